CREATE TABLE IF NOT EXISTS queue_jobs (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  state text NOT NULL DEFAULT 'available',
  run_at timestamptz NOT NULL DEFAULT now()
);
