ALTER TABLE users DROP CONSTRAINT users_age_check;
ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID;
