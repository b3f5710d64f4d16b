-- SET EXPRESSION is Postgres 17 syntax: on 16 and older the column must be dropped and re-added.
ALTER TABLE orders ALTER COLUMN total SET EXPRESSION AS (price * 1.25);
