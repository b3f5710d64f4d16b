DROP INDEX CONCURRENTLY users_created_at_idx;
