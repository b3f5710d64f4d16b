-- +goose Up
CREATE TABLE users (id serial PRIMARY KEY, email varchar(20), name text, age int, created timestamp);
CREATE TABLE orders (id serial PRIMARY KEY, user_id int, total int);

-- +goose Down
DROP TABLE orders;
DROP TABLE users;
