-- transaction: none sends each statement on its own, so CONCURRENTLY works.
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
CREATE INDEX CONCURRENTLY users_email_lower_idx ON users (lower(email));
