ALTER TABLE customers ALTER COLUMN code TYPE integer USING code::integer;
