-- +migrate Up
-- sql-migrate orders numeric prefixes as numbers: 9 runs before 10.
ALTER TABLE users ADD COLUMN nickname text;

-- +migrate Down
ALTER TABLE users DROP COLUMN nickname;
