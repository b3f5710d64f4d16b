ALTER TABLE accounts ADD COLUMN nickname text;
COMMENT ON COLUMN accounts.nickname IS 'shown to other users';
