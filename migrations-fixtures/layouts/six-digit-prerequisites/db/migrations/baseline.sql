-- For databases created before migrations existed: marks version 2 as applied.
INSERT INTO schema_migrations (version, dirty) VALUES (2, false);
