-- Up Migration
CREATE INDEX CONCURRENTLY users_email ON users (email);

-- Down Migration
DROP INDEX CONCURRENTLY users_email;
