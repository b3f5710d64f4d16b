-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION normalise_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.email := lower(NEW.email);
  RETURN NEW;
END;
$$;

-- +goose Down
DROP FUNCTION normalise_email();
