-- +goose Up
ALTER TABLE users ALTER COLUMN email TYPE text;

-- +goose Down
ALTER TABLE users ALTER COLUMN email TYPE varchar(20);
