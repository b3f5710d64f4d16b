-- migrate:up
ALTER TABLE users ADD COLUMN team text;

-- migrate:down
ALTER TABLE users DROP COLUMN team;
