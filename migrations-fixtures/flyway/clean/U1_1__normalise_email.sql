DROP TRIGGER users_normalise_email ON users;
DROP FUNCTION normalise_email();
