DROP TABLE ${flyway:defaultSchema}.users;
