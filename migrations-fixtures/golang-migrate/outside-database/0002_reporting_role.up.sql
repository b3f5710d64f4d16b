-- The reporting service reads with its own role.
CREATE ROLE reporting NOLOGIN;
CREATE VIEW report_titles AS SELECT id FROM reports;
