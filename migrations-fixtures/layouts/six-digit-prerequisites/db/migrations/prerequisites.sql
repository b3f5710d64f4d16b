-- Run once by a superuser before any migration.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DO $$
BEGIN
  CREATE ROLE app_migrator;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;
CREATE SCHEMA IF NOT EXISTS app AUTHORIZATION app_migrator;
