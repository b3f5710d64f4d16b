-- Alone in its file, sent as one query: it runs outside a transaction block.
CREATE UNIQUE INDEX CONCURRENTLY accounts_email ON accounts (email);
