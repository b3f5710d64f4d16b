ALTER TABLE orders DROP COLUMN added_at;
