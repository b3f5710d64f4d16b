-- migrate:up
-- Same version as 20240102000000_add_nickname.sql (two branches merged).
ALTER TABLE users ADD COLUMN team text;

-- migrate:down
ALTER TABLE users DROP COLUMN team;
