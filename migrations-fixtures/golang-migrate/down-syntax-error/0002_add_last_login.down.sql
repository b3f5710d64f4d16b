DROP INDEX users_last_login_idx;

ALTER TABLE users DROP COLUMN last_login
ALTER TABLE users DROP COLUMN email_confirmed;
