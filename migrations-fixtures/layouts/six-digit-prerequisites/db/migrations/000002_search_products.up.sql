CREATE INDEX products_title_trgm_idx ON app.products USING gin (title gin_trgm_ops);
