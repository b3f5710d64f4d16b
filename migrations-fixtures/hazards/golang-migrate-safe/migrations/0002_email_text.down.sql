ALTER TABLE users ALTER COLUMN email TYPE varchar(20);
