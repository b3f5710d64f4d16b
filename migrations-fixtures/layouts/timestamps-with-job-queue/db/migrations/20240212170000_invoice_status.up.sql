ALTER TABLE invoices ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'draft';
CREATE INDEX IF NOT EXISTS invoices_status_idx ON invoices (status);
-- The job queue's tables live in the same database: its migrations run first.
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS reminder_job_id bigint REFERENCES queue_jobs (id);
