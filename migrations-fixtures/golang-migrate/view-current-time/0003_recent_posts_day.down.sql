DROP VIEW recent_posts;
CREATE VIEW recent_posts AS
  SELECT id, title, published
  FROM posts
  WHERE published > now() - interval '1 day';
