-- +migrate Up
CREATE TABLE audit (id bigint PRIMARY KEY, note text);
CREATE TABLE audit_archive (id bigint PRIMARY KEY, note text);

-- +migrate Down
DROP TABLE audit;
