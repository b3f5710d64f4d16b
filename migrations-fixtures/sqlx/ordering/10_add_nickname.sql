-- sqlx orders versions as integers: 9 runs before 10.
ALTER TABLE users ADD COLUMN nickname text;
