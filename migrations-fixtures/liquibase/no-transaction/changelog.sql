--liquibase formatted sql

--changeset alice:1
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);
--rollback DROP TABLE users;

--changeset alice:2 runInTransaction:false
CREATE INDEX CONCURRENTLY users_email ON users (email);
--rollback DROP INDEX CONCURRENTLY users_email;
