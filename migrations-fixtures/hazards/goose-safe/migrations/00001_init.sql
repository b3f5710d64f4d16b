-- +goose Up
CREATE TABLE users (id serial PRIMARY KEY, email varchar(20), name varchar(20), age int, created timestamptz);
CREATE TABLE orders (id serial PRIMARY KEY, user_id int, total int, CONSTRAINT orders_total_check CHECK (total >= 0));

-- +goose Down
DROP TABLE orders;
DROP TABLE users;
