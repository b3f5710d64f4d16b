-- Version 0 is the version postgrator records for an empty database: this never runs.
CREATE TABLE never_runs (id int);
