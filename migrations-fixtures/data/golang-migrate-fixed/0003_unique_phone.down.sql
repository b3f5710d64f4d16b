ALTER TABLE customers DROP CONSTRAINT customers_phone_key;
