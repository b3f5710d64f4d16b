-- The columns come back last, and so does the view's `SELECT *`: the same view, its columns in
-- another order.
DROP VIEW users_alias;
ALTER TABLE users ADD COLUMN parent_id bigint, ADD COLUMN read boolean NOT NULL DEFAULT false;
CREATE VIEW users_alias AS SELECT * FROM users;
