-- The runner's own table: schema_migrations(version varchar primary key, applied_at timestamp, checksum varchar(64)).
COMMENT ON COLUMN schema_migrations.checksum IS 'sha256 of the file';
