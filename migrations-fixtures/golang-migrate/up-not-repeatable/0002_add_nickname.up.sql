-- Written to be re-runnable with IF NOT EXISTS; but its down renames instead of dropping,
-- so on the second run the index already exists (on the old column) and is skipped.
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;
CREATE INDEX IF NOT EXISTS users_nickname_idx ON users (nickname);
