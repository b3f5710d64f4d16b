-- The column comes back, but as the last one.
ALTER TABLE users ADD COLUMN legacy_code text;
