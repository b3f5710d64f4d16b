ALTER TABLE customers RENAME COLUMN legacy_id TO legacy_id_unused;
