COMMENT ON COLUMN networks.note IS 'free text';
