ALTER TABLE customers RENAME COLUMN legacy_id_unused TO legacy_id;
