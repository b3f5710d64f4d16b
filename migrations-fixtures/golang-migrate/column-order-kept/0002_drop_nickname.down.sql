-- nickname was the last column, so re-adding it puts it back in its place.
ALTER TABLE users ADD COLUMN nickname text;
