ALTER TABLE customers ALTER COLUMN nickname TYPE varchar(10);
