ALTER TABLE invoices DROP COLUMN IF EXISTS reminder_job_id;
DROP INDEX IF EXISTS invoices_status_idx;
ALTER TABLE invoices DROP COLUMN IF EXISTS status;
