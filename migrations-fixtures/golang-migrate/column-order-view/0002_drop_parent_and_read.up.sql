DROP VIEW users_alias;
ALTER TABLE users DROP COLUMN parent_id, DROP COLUMN read;
CREATE VIEW users_alias AS SELECT * FROM users;
