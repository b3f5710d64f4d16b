DROP VIEW recent_users;
