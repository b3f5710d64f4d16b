-- The up was renamed to 0004 in review; this down was left behind.
DROP INDEX users_email_idx;
