-- Flyway's PostgreSQL parser runs REINDEX in a transaction unless it is REINDEX SCHEMA,
-- DATABASE or SYSTEM, so this fails when deployed.
REINDEX INDEX CONCURRENTLY users_email_idx;
