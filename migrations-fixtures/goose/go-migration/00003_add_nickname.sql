-- +goose Up
ALTER TABLE users ADD COLUMN nickname text;

-- +goose Down
ALTER TABLE users DROP COLUMN nickname;
