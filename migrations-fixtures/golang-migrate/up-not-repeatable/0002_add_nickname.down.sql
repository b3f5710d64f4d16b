ALTER TABLE users RENAME COLUMN nickname TO nickname_old;
