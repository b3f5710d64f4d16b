DROP INDEX orders_total_idx;
ALTER TABLE users DROP COLUMN nickname;
