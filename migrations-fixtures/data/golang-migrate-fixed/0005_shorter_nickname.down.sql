ALTER TABLE customers DROP CONSTRAINT customers_nickname_short;
