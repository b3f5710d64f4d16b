UPDATE customers SET email = 'unknown+' || id || '@example.com' WHERE email IS NULL;
ALTER TABLE customers ALTER COLUMN email SET NOT NULL;
