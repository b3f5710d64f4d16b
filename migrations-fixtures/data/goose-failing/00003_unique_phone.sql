-- +goose Up
ALTER TABLE customers ADD CONSTRAINT customers_phone_key UNIQUE (phone);

-- +goose Down
ALTER TABLE customers DROP CONSTRAINT customers_phone_key;
