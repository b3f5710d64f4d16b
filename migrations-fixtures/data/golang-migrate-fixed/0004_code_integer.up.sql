ALTER TABLE customers ADD COLUMN code_number integer;
UPDATE customers SET code_number = code::integer WHERE code ~ '^[0-9]{1,9}$';
