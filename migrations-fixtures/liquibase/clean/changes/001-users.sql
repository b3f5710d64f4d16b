--liquibase formatted sql

--changeset alice:1 context:dev,prod
CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL
);
--rollback DROP TABLE users;

--changeset alice:2
CREATE UNIQUE INDEX users_email ON users (email);
--rollback DROP INDEX users_email;
