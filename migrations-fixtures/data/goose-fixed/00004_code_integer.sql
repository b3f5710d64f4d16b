-- +goose Up
ALTER TABLE customers ADD COLUMN code_number integer;
UPDATE customers SET code_number = code::integer WHERE code ~ '^[0-9]{1,9}$';

-- +goose Down
ALTER TABLE customers DROP COLUMN code_number;
