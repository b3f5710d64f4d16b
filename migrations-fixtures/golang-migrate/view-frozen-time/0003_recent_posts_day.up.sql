CREATE OR REPLACE VIEW recent_posts AS
  SELECT id, title, published, published::date AS day
  FROM posts
  WHERE published > 'now'::timestamp - interval '1 day';
