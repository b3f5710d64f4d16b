-- +goose NO TRANSACTION
-- +goose Up
CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);
CREATE INDEX CONCURRENTLY users_id_email_idx ON users (id, email);

-- +goose Down
DROP INDEX CONCURRENTLY users_id_email_idx;
DROP INDEX CONCURRENTLY users_email_idx;
