-- Customers as production has them: some without an email.
INSERT INTO customers (email, name) VALUES ('ada@example.com', 'Ada');
INSERT INTO customers (email, full_name) VALUES (NULL, 'Grace');
