-- +goose Up
ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);

-- +goose Down
ALTER TABLE users DROP CONSTRAINT users_age_check;
