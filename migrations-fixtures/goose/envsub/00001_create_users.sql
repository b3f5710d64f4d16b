-- +goose Up
-- +goose ENVSUB ON
CREATE TABLE ${TABLE_PREFIX}users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL
);
CREATE INDEX ${TABLE_PREFIX}users_${INDEX_SUFFIX:-email}_idx ON $TABLE_PREFIX${TABLE_NAME-users} (email);
COMMENT ON TABLE ${TABLE_PREFIX}users IS 'owned by ${OWNER_ROLE}';
-- +goose ENVSUB OFF

-- +goose Down
-- +goose ENVSUB ON
DROP TABLE ${TABLE_PREFIX}users;
