-- migrate:up
CREATE FUNCTION normalise_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.email := lower(NEW.email);
  RETURN NEW;
END;
$$;

-- migrate:down
DROP FUNCTION normalise_email();
