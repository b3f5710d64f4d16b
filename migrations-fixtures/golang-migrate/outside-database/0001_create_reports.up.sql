CREATE TABLE reports (id bigint PRIMARY KEY, body text);
