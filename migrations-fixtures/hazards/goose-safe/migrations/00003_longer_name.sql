-- +goose Up
ALTER TABLE users ALTER COLUMN name TYPE varchar(40);

-- +goose Down
ALTER TABLE users ALTER COLUMN name TYPE varchar(20);
