-- Its columns in another order, and another filter: a view that is not the same as before.
DROP VIEW recent_users;
CREATE VIEW recent_users AS
  SELECT email, id, created_at FROM users WHERE created_at > '2021-01-01';
