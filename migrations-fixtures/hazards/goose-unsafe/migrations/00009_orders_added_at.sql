-- +goose Up
ALTER TABLE orders ADD COLUMN added_at timestamptz DEFAULT clock_timestamp();

-- +goose Down
ALTER TABLE orders DROP COLUMN added_at;
