ALTER TABLE orders ADD COLUMN added_at timestamptz DEFAULT clock_timestamp();
