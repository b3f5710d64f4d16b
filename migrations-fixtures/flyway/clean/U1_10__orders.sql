DROP TABLE orders;
DROP INDEX users_nickname_idx;
