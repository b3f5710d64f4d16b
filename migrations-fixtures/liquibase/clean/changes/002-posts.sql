--liquibase formatted sql

--changeset bob:1
--preconditions onFail:MARK_RAN
--precondition-sql-check expectedResult:0 SELECT count(*) FROM information_schema.tables WHERE table_name = 'posts'
CREATE TABLE posts (
  id serial PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id)
);
/* liquibase rollback
DROP TABLE posts;
*/
