CREATE TYPE user_status AS ENUM ('invited', 'active', 'disabled');
ALTER TABLE users ADD COLUMN status user_status NOT NULL DEFAULT 'invited';
CREATE INDEX users_status_idx ON users (status) WHERE status <> 'disabled';
