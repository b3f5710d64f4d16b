-- +goose Up
ALTER TABLE users ADD COLUMN nickname text;

-- +goose Down
SELECT 'nothing to undo';
