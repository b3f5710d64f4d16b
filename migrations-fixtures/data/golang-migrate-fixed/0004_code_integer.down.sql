ALTER TABLE customers DROP COLUMN code_number;
