-- Only do and undo are actions: this never runs.
CREATE TABLE wrong_action (id int);
