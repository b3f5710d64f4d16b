DROP INDEX tools_capabilities_idx;
ALTER TABLE tools DROP COLUMN capabilities;
