CREATE VIEW recent_users AS
  SELECT id, email, created_at FROM users WHERE created_at > '2020-01-01';
