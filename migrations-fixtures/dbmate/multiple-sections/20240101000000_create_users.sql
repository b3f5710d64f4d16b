-- migrate:up
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL
);

-- migrate:down
DROP TABLE users;

-- migrate:up
-- dbmate records this file's version again for the second section: on Postgres that fails.
ALTER TABLE users ADD COLUMN nickname text;

-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
