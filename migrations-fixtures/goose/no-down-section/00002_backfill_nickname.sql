-- +goose Up
-- Down is optional in goose: `goose down` records the rollback and runs nothing.
ALTER TABLE users ADD COLUMN nickname text;
UPDATE users SET nickname = split_part(email, '@', 1);
