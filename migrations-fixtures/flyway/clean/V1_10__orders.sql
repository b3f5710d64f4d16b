-- 1.10 comes after 1.9 and 1.2: Flyway compares versions part by part.
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
