-- +goose Up
ALTER TABLE orders DROP CONSTRAINT orders_total_check;

-- +goose Down
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
