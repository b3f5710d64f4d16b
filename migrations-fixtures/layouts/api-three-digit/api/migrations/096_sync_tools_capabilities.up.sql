ALTER TABLE tools ADD COLUMN capabilities jsonb NOT NULL DEFAULT '[]';
CREATE INDEX tools_capabilities_idx ON tools USING gin (capabilities);
