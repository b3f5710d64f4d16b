-- +migrate Up
-- +migrate StatementBegin
CREATE FUNCTION normalise_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.email := lower(NEW.email);
  RETURN NEW;
END;
$$;
-- +migrate StatementEnd

-- +migrate Down
DROP FUNCTION normalise_email();
