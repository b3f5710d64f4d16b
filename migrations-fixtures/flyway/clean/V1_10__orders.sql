-- 1.10 comes after 1.9 and 1.2: Flyway compares versions part by part (by name, 1_10 < 1_9).
CREATE INDEX users_nickname_idx ON users (nickname);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
