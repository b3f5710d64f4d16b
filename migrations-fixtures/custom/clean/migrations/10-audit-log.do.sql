-- Version 10 after 9: numeric ordering from the config.
CREATE TABLE audit_log (id bigserial PRIMARY KEY, user_id bigint REFERENCES users (id), nickname_at_time text);
