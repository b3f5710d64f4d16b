-- +goose Up
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL
);

-- +goose Down -- rollback
DROP TABLE users;
