ALTER TABLE invoices ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'draft';
CREATE INDEX IF NOT EXISTS invoices_status_idx ON invoices (status);
