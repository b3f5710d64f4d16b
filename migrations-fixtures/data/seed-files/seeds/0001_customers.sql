-- Customers as production has them: some without an email.
INSERT INTO customers (email, name) VALUES ('ada@example.com', 'Ada'), (NULL, 'Grace');
