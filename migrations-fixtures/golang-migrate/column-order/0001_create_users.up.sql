CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  legacy_code text,
  email text NOT NULL,
  nickname text,
  created_at timestamptz NOT NULL DEFAULT now()
);
