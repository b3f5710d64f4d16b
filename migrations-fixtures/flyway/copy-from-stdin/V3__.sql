DO $$
BEGIN
  IF (SELECT string_agg(id || '=' || label || '/' || note, ' ' ORDER BY id) FROM items)
     IS DISTINCT FROM $x$1=semi;colon/loaded 2=it's quoted/'not; a statement' 3=back\slash/-- not a comment$x$ THEN
    RAISE EXCEPTION 'COPY loaded: %', (SELECT string_agg(id || '=' || label || '/' || note, ' ' ORDER BY id) FROM items);
  END IF;
END
$$;
