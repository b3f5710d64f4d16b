-- +goose Up
-- The team's sessions run in Europe/Oslo (settings in migrate-check.json): this rewrites.
ALTER TABLE users ALTER COLUMN created TYPE timestamptz;

-- +goose Down
ALTER TABLE users ALTER COLUMN created TYPE timestamp;
