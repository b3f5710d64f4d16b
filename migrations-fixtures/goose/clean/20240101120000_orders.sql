-- +goose Up
-- Timestamp versions sort after the sequential ones: goose compares them as numbers.
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));

-- +goose Down
DROP TABLE orders;
