-- +goose Up
UPDATE customers c SET phone = NULL WHERE EXISTS (SELECT FROM customers d WHERE d.phone = c.phone AND d.id < c.id);
ALTER TABLE customers ADD CONSTRAINT customers_phone_key UNIQUE (phone);

-- +goose Down
ALTER TABLE customers DROP CONSTRAINT customers_phone_key;
