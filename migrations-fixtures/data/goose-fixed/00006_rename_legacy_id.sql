-- +goose Up
ALTER TABLE customers RENAME COLUMN legacy_id TO legacy_id_unused;

-- +goose Down
ALTER TABLE customers RENAME COLUMN legacy_id_unused TO legacy_id;
