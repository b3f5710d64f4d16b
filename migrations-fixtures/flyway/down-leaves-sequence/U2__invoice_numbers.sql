-- Forgot the sequence.
SELECT 1;
