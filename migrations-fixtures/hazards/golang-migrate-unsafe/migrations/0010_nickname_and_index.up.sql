ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX orders_total_idx ON orders (total);
