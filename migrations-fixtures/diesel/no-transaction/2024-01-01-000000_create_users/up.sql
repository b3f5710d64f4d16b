CREATE TABLE users (
  id SERIAL PRIMARY KEY,
  email VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT now()
);
SELECT diesel_manage_updated_at('users');
