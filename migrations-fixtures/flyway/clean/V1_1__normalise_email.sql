CREATE FUNCTION normalise_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.email := lower(NEW.email);
  RETURN NEW;
END;
$$;
CREATE TRIGGER users_normalise_email BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION normalise_email();
