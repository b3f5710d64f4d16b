// Directories whose downs go wrong in ways the generated fix must undo (see restore-sql.test.ts).

/** Migrations whose down removes or changes what existed before the up: the fix must recreate it. */
export const RECREATE: Record<string, Record<string, string>> = {
  "a down that sets a table's storage options to Postgres' defaults instead of resetting them, or leaves one changed": {
    '0001_base.up.sql': 'CREATE TABLE posts (id int) WITH (fillfactor = 80);\n',
    '0001_base.down.sql': 'SELECT 1;\n',
    '0002_vacuum.up.sql':
      'ALTER TABLE posts SET (autovacuum_vacuum_scale_factor = 0.1, autovacuum_analyze_scale_factor = 0.05, fillfactor = 70);\n',
    '0002_vacuum.down.sql':
      'ALTER TABLE posts SET (autovacuum_vacuum_scale_factor = 0.2, autovacuum_analyze_scale_factor = 0.1);\n',
  },
  'a down that drops what was there before (tables, columns, keys, indexes, types, views, functions, triggers)': {
    '0001_base.up.sql': `CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE SEQUENCE ticket_seq START 100;
CREATE TABLE teams (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  team_id bigint REFERENCES teams (id),
  email text NOT NULL DEFAULT '',
  mood mood,
  score positive,
  lower_email text GENERATED ALWAYS AS (lower(email)) STORED,
  CHECK (email <> 'x')
);
CREATE INDEX users_email_idx ON users (lower(email)) WHERE email <> '';
CREATE VIEW happy_users AS SELECT id, email FROM users WHERE mood = 'happy';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON users FOR SELECT USING (email = current_user);
`,
    '0001_base.down.sql': 'SELECT 1;\n',
    '0002_reshape.up.sql': 'ALTER TABLE users ADD COLUMN nickname text;\n',
    '0002_reshape.down.sql': `DROP VIEW happy_users;
DROP TABLE users;
DROP TABLE teams;
DROP TYPE mood;
DROP DOMAIN positive;
DROP SEQUENCE ticket_seq;
DROP FUNCTION touch();
`,
  },
  'a down that changes columns and constraints it should have left alone': {
    '0001_base.up.sql': `CREATE TABLE items (
  id int PRIMARY KEY,
  code varchar(10) NOT NULL DEFAULT 'a',
  price numeric(10, 2) CHECK (price >= 0),
  note text
);
CREATE TABLE orders (id int PRIMARY KEY, item_id int REFERENCES items (id) ON DELETE CASCADE);
`,
    '0001_base.down.sql': 'SELECT 1;\n',
    '0002_alter.up.sql': 'ALTER TABLE items ADD COLUMN sku text;\n',
    '0002_alter.down.sql': `ALTER TABLE items DROP COLUMN sku;
ALTER TABLE items ALTER COLUMN code TYPE text, ALTER COLUMN code DROP NOT NULL, ALTER COLUMN code DROP DEFAULT;
ALTER TABLE items ALTER COLUMN note SET DEFAULT 'n';
ALTER TABLE orders DROP CONSTRAINT orders_item_id_fkey;
ALTER TABLE orders ADD CONSTRAINT orders_item_id_fkey FOREIGN KEY (item_id) REFERENCES items (id);
ALTER TABLE items DROP CONSTRAINT items_price_check;
ALTER TABLE items RENAME COLUMN note TO remark;
`,
  },
};
