-- Flyway runs a migration holding CONCURRENTLY without a transaction.
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
