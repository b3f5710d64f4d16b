ALTER TABLE users DROP CONSTRAINT users_age_check;
