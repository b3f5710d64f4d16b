BEGIN;

ALTER TABLE flipr.users ADD COLUMN email TEXT;
CREATE INDEX users_email ON flipr.users (email);

COMMIT;
