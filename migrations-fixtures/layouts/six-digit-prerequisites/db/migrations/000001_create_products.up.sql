CREATE TABLE app.products (id bigserial PRIMARY KEY, title text NOT NULL);
