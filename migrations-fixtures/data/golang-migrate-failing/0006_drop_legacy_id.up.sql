ALTER TABLE customers DROP COLUMN legacy_id;
