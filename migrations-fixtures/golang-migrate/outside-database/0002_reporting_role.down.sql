DROP VIEW report_titles;
DROP ROLE reporting;
