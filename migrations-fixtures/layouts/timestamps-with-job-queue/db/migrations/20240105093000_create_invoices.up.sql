CREATE TABLE IF NOT EXISTS invoices (
  id bigserial PRIMARY KEY,
  total_cents bigint NOT NULL
);
