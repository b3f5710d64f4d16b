CREATE TABLE orders (
  id bigint PRIMARY KEY,
  price numeric NOT NULL,
  total numeric GENERATED ALWAYS AS (price * 1.2) STORED
);
