-- 9 runs before 10: postgrator compares versions as numbers.
CREATE TABLE audit_log (id bigserial PRIMARY KEY, account_id bigint REFERENCES accounts (id));
