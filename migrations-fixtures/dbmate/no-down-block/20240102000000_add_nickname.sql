-- migrate:up
-- No down block: dbmate 2.x refuses this file, for `dbmate up` too.
ALTER TABLE users ADD COLUMN nickname text;
