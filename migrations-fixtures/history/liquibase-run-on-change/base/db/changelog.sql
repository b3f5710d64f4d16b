--liquibase formatted sql

--changeset alice:1
CREATE TABLE users (id serial PRIMARY KEY, name text);
--rollback DROP TABLE users;

--changeset alice:2 runOnChange:true
CREATE OR REPLACE VIEW user_names AS SELECT name FROM users;
--rollback DROP VIEW user_names;
