DROP VIEW user_totals;
DROP TABLE orders;
