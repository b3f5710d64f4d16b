-- Merged from another branch that also took "the next" number.
CREATE TABLE teams (id bigserial PRIMARY KEY);
