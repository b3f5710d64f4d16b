--liquibase formatted sql

--changeset alice:2
ALTER TABLE users ADD COLUMN nickname text;
--rollback ALTER TABLE users DROP COLUMN nickname;
