-- migrate:up
-- dbmate applies files in name order: `10_` runs before `2_`, before users exists.
ALTER TABLE users ADD COLUMN nickname text;

-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
