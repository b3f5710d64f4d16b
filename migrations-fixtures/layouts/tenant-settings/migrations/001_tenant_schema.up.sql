CREATE SCHEMA IF NOT EXISTS tenant;
CREATE TABLE tenant.buckets (id text PRIMARY KEY, owner text NOT NULL DEFAULT current_setting('app.tenant_id', true));
