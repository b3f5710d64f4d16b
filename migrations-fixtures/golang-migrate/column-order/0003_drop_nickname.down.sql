-- Comes back last, and as varchar(40) where it was text.
ALTER TABLE users ADD COLUMN nickname varchar(40);
