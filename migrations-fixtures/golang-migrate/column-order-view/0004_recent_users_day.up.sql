CREATE OR REPLACE VIEW recent_users AS
  SELECT id, email, created_at, created_at::date AS day FROM users WHERE created_at > '2020-01-01';
