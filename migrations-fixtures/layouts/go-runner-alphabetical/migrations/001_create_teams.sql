CREATE TABLE teams (id bigserial PRIMARY KEY, name varchar(100) NOT NULL);
