BEGIN;

SELECT nickname, password, created_at
  FROM flipr.users
 WHERE FALSE;

ROLLBACK;
