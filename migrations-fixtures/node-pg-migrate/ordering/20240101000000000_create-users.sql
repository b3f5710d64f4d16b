-- Up Migration
CREATE TABLE users (id serial PRIMARY KEY);

-- Down Migration
DROP TABLE users;
