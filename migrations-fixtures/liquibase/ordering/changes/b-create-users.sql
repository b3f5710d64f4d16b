--liquibase formatted sql

--changeset alice:1
CREATE TABLE users (id serial PRIMARY KEY);
--rollback DROP TABLE users;
