-- Up Migration
ALTER TABLE users ADD COLUMN bio text;

-- Down Migration
ALTER TABLE users DROP COLUMN bio;
