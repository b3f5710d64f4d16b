-- +goose Up
UPDATE customers SET nickname = left(nickname, 10) WHERE length(nickname) > 10;
ALTER TABLE customers ADD CONSTRAINT customers_nickname_short CHECK (length(nickname) <= 10) NOT VALID;

-- +goose Down
ALTER TABLE customers DROP CONSTRAINT customers_nickname_short;
