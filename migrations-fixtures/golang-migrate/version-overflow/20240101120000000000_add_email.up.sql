-- A timestamp with nanoseconds: 20 digits, past golang-migrate's unsigned 64-bit version.
ALTER TABLE users ADD COLUMN email text;
