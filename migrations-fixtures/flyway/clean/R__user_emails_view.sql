-- Repeatable: applied after every versioned migration.
CREATE OR REPLACE VIEW user_emails AS SELECT id, email, nickname FROM users;
