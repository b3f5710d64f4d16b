-- +goose Up
UPDATE customers SET email = 'unknown+' || id || '@example.com' WHERE email IS NULL;
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;

-- +goose Down
ALTER TABLE customers ALTER COLUMN email DROP NOT NULL;
