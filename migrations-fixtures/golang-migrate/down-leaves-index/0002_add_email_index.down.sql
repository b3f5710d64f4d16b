-- Forgot to drop users_email_idx.
ALTER TABLE users DROP COLUMN email_verified;
