-- +goose Up
ALTER TABLE orders ALTER COLUMN total TYPE bigint;

-- +goose Down
ALTER TABLE orders ALTER COLUMN total TYPE int;
