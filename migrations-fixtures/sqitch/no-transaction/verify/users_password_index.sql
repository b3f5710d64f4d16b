SELECT 1/count(*) FROM pg_indexes WHERE schemaname = 'flipr' AND indexname = 'users_password';
