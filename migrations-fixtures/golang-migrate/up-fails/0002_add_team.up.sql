CREATE TABLE teams (id bigint PRIMARY KEY, name text NOT NULL);
ALTER TABLE users ADD COLUMN team_id bigint REFERENCES team (id);
