DROP TABLE ${appSchema}.users;
DROP SCHEMA ${appSchema};
