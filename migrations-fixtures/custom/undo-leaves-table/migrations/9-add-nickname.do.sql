ALTER TABLE users ADD COLUMN nickname text;
COMMENT ON COLUMN users.nickname IS 'shown to other users; text only';
