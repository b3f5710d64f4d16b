ALTER TABLE customers ALTER COLUMN code TYPE text;
