DROP INDEX CONCURRENTLY users_email_lower_idx;
DROP INDEX CONCURRENTLY users_email_idx;
