CREATE INDEX IF NOT EXISTS queue_jobs_fetch_idx ON queue_jobs (run_at) WHERE state = 'available';
