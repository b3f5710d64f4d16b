-- Version 10 sorts after 2: golang-migrate compares versions as numbers.
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  total numeric(12, 2) NOT NULL CHECK (total >= 0)
);
CREATE VIEW user_totals AS SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;
