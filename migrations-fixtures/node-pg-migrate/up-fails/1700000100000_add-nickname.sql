-- Up Migration
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN nickname text;

-- Down Migration
ALTER TABLE users DROP COLUMN nickname;
