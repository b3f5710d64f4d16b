-- +goose Up
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX orders_total_idx ON orders (total);

-- +goose Down
DROP INDEX orders_total_idx;
ALTER TABLE users DROP COLUMN nickname;
