DROP INDEX IF EXISTS queue_jobs_fetch_idx;
