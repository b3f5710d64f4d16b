--liquibase formatted sql

--changeset alice:1
CREATE TABLE users (id serial PRIMARY KEY);
--rollback DROP TABLE users;

--changeset alice:2
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN bio text;
--rollback ALTER TABLE users DROP COLUMN nickname;
