ALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';
UPDATE acounts SET plan = 'pro' WHERE email LIKE '%@example.com';
