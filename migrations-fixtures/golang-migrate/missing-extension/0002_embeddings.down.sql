ALTER TABLE documents DROP COLUMN embedding;
DROP EXTENSION vector;
