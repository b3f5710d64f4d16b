CREATE SCHEMA ${appSchema};
CREATE TABLE ${appSchema}.users (id bigint PRIMARY KEY);
