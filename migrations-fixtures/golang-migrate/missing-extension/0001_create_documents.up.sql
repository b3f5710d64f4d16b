CREATE TABLE documents (id bigint PRIMARY KEY, body text NOT NULL);
