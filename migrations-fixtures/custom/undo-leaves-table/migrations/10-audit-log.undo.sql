-- Forgot to drop audit_log.
SELECT 'nothing';
