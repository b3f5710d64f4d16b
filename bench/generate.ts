import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes a golang-migrate directory of `count` migrations, each with an exact down: tables
 * with foreign keys, plain, partial and expression indexes, enums, domains, views, plpgsql
 * functions and triggers, comments and added columns.
 */
export async function generateMigrations(dir: string, count: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  let tables = 0;
  const pad = (n: number) => String(n).padStart(4, '0');
  for (let i = 1; i <= count; i++) {
    let up: string;
    let down: string;
    let name: string;
    const t = `t${tables}`;
    switch (
      i === 1
        ? 'init'
        : tables === 0
          ? 'table'
          : ['table', 'column', 'index', 'partial', 'view', 'trigger', 'table', 'comment', 'check'][i % 9]
    ) {
      case 'init':
        name = 'init_types';
        up = `CREATE TYPE status AS ENUM ('new', 'active', 'closed');\nCREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);\n`;
        down = `DROP DOMAIN positive_int;\nDROP TYPE status;\n`;
        break;
      case 'table': {
        tables++;
        const n = `t${tables}`;
        const fk = tables > 1 ? `,\n  parent_id bigint REFERENCES t${tables - 1}(id) ON DELETE CASCADE` : '';
        name = `create_${n}`;
        up = `CREATE TABLE ${n} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  status status NOT NULL DEFAULT 'new',\n  qty positive_int,\n  payload jsonb DEFAULT '{}'::jsonb,\n  created_at timestamptz NOT NULL DEFAULT now()${fk}\n);\nCREATE INDEX ${n}_created_idx ON ${n} (created_at);\nINSERT INTO ${n} (name) SELECT 'row ' || g FROM generate_series(1, 20) g;\n`;
        down = `DROP TABLE ${n};\n`;
        break;
      }
      case 'column':
        name = `add_note_to_${t}_${i}`;
        up = `ALTER TABLE ${t} ADD COLUMN note_${i} text;\n`;
        down = `ALTER TABLE ${t} DROP COLUMN note_${i};\n`;
        break;
      case 'index':
        name = `index_${t}_name_${i}`;
        up = `CREATE INDEX ${t}_lower_name_${i}_idx ON ${t} (lower(name));\n`;
        down = `DROP INDEX ${t}_lower_name_${i}_idx;\n`;
        break;
      case 'partial':
        name = `unique_active_${t}_${i}`;
        up = `CREATE UNIQUE INDEX ${t}_active_${i}_idx ON ${t} (name, id) WHERE status = 'active';\n`;
        down = `DROP INDEX ${t}_active_${i}_idx;\n`;
        break;
      case 'view':
        name = `view_${t}_${i}`;
        up = `CREATE VIEW ${t}_open_${i} AS SELECT id, name, created_at FROM ${t} WHERE status <> 'closed';\n`;
        down = `DROP VIEW ${t}_open_${i};\n`;
        break;
      case 'trigger':
        name = `touch_${t}_${i}`;
        up = `CREATE FUNCTION ${t}_touch_${i}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.created_at := coalesce(NEW.created_at, now());\n  RETURN NEW;\nEND\n$$;\nCREATE TRIGGER ${t}_touch_${i} BEFORE INSERT ON ${t} FOR EACH ROW EXECUTE FUNCTION ${t}_touch_${i}();\n`;
        down = `DROP TRIGGER ${t}_touch_${i} ON ${t};\nDROP FUNCTION ${t}_touch_${i}();\n`;
        break;
      case 'comment':
        name = `comment_${t}_${i}`;
        up = `COMMENT ON TABLE ${t} IS 'table ${t}, described in migration ${i}';\n`;
        down = `COMMENT ON TABLE ${t} IS NULL;\n`;
        break;
      default:
        name = `check_${t}_${i}`;
        up = `ALTER TABLE ${t} ADD CONSTRAINT ${t}_name_len_${i} CHECK (length(name) < 1000);\n`;
        down = `ALTER TABLE ${t} DROP CONSTRAINT ${t}_name_len_${i};\n`;
    }
    await writeFile(join(dir, `${pad(i)}_${name}.up.sql`), up);
    await writeFile(join(dir, `${pad(i)}_${name}.down.sql`), down);
  }
}
