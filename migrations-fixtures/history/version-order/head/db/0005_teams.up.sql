CREATE TABLE teams (id bigserial PRIMARY KEY);
