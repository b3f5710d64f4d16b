-- The runner records each file in schema_migrations(version = file name).
CREATE TABLE plans (name text PRIMARY KEY);
INSERT INTO plans VALUES ('free'), ('pro');
ALTER TABLE accounts ADD FOREIGN KEY (plan) REFERENCES plans (name);
