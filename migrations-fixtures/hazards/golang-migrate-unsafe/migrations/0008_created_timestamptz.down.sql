ALTER TABLE users ALTER COLUMN created TYPE timestamp;
