DROP INDEX CONCURRENTLY networks_name_idx;
