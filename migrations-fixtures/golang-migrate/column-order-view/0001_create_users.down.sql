DROP VIEW users_alias;
DROP TABLE users;
