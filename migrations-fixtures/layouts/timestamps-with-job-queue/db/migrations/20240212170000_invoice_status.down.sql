DROP INDEX IF EXISTS invoices_status_idx;
ALTER TABLE invoices DROP COLUMN IF EXISTS status;
