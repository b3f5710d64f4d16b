ALTER TABLE customers ADD CONSTRAINT customers_phone_key UNIQUE (phone);
