BEGIN;

DROP TABLE flipr.users;

COMMIT;
