-- Written with a typo in the year: sorts after everything written before 2099.
ALTER TABLE users ADD COLUMN nickname text;
