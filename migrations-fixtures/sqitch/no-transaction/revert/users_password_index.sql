DROP INDEX CONCURRENTLY flipr.users_password;
