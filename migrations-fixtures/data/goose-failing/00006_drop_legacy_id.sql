-- +goose Up
ALTER TABLE customers DROP COLUMN legacy_id;

-- +goose Down
ALTER TABLE customers ADD COLUMN legacy_id int;
