-- +goose Up
ALTER TABLE customers ALTER COLUMN code TYPE integer USING code::integer;

-- +goose Down
ALTER TABLE customers ALTER COLUMN code TYPE text;
