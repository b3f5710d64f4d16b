-- Up Migration
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX users_nickname ON users (nickname);

-- Down Migration
DROP INDEX users_nickname;
