ALTER TABLE customers ALTER COLUMN nickname TYPE varchar(40);
