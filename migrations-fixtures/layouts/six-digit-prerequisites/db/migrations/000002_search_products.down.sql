DROP INDEX app.products_title_trgm_idx;
