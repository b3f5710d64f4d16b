-- Deploy flipr:users_password_index to pg
-- CONCURRENTLY cannot run in a transaction: this script opens none.

CREATE INDEX CONCURRENTLY users_password ON flipr.users (password);
