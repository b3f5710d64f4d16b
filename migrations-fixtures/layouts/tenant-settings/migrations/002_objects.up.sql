-- Unqualified names resolve through the runner's search_path (tenant, public).
CREATE TABLE objects (id bigserial PRIMARY KEY, bucket_id text NOT NULL REFERENCES buckets (id));
