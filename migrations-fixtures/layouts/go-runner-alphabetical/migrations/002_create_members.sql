CREATE TABLE members (id bigserial PRIMARY KEY, team_id bigint NOT NULL REFERENCES teams (id), email varchar(255) NOT NULL);
