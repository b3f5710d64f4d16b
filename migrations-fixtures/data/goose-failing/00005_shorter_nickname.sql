-- +goose Up
ALTER TABLE customers ALTER COLUMN nickname TYPE varchar(10);

-- +goose Down
ALTER TABLE customers ALTER COLUMN nickname TYPE varchar(40);
