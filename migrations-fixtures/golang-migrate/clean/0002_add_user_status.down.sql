DROP INDEX users_status_idx;
ALTER TABLE users DROP COLUMN status;
DROP TYPE user_status;
