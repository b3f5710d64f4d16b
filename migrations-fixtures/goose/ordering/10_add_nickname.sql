-- +goose Up
-- `10_` sorts before `9_` by name; goose orders by number, so users exists by now.
ALTER TABLE users ADD COLUMN nickname text;

-- +goose Down
ALTER TABLE users DROP COLUMN nickname;
