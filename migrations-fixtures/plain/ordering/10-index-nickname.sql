-- By name `10-` sorts between `1-` and `2-`; by number it runs last, after the column exists.
CREATE INDEX users_nickname_idx ON users (nickname);
