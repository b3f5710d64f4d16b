BEGIN;

DROP INDEX flipr.users_email;

COMMIT;
