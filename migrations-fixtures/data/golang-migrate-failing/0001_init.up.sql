CREATE TABLE customers (id serial PRIMARY KEY, email text, phone text, code text, nickname varchar(40), legacy_id int);
