import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { generateMigrations } from '../../bench/generate.ts';
import type { ScratchDatabase } from '../database/database.ts';
import { startEmbedded, type EmbeddedServer } from '../database/embedded.ts';
import { prepareInspector, readSchema, SchemaTracker, schemaText } from './snapshot.ts';

let server: EmbeddedServer;
before(async () => {
  server = await startEmbedded();
});
after(async () => {
  await server[Symbol.asyncDispose]();
});

async function withDatabase(fn: (migrate: pg.Client, inspect: pg.Client) => Promise<void>) {
  const db: ScratchDatabase = await server.createDatabase('snapshot-test');
  const migrate = await db.connect();
  const inspect = await db.connect();
  await prepareInspector(inspect);
  try {
    await fn(migrate, inspect);
  } finally {
    await migrate.end();
    await inspect.end();
    await db[Symbol.asyncDispose]();
  }
}

// Each step changes the schema in a way an incremental snapshot could miss.
const TRICKY = [
  `CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, mood mood DEFAULT 'a')`,
  `CREATE UNIQUE INDEX users_email_idx ON users (lower(email)) WHERE email IS NOT NULL; COMMENT ON COLUMN users.email IS 'the email'`,
  `CREATE VIEW v AS SELECT id, email FROM users; CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$; CREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION f()`,
  `ALTER TABLE users RENAME COLUMN email TO mail`,
  `ALTER TABLE users RENAME TO people`,
  `COMMENT ON COLUMN people.mail IS NULL`,
  `CREATE SEQUENCE s; ALTER SEQUENCE s OWNED BY people.id; ALTER TABLE people ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON people USING (id > 0)`,
  `ALTER TYPE mood ADD VALUE 'c'; ALTER TYPE mood RENAME TO feeling`,
  `CREATE ROLE snapshot_reader; GRANT SELECT ON people TO snapshot_reader; ALTER FUNCTION f() RENAME TO g`,
  `DROP VIEW v; DROP INDEX users_email_idx; ALTER TABLE people DROP COLUMN mood; DROP TYPE feeling`,
  `CREATE SCHEMA other; CREATE TABLE other.t (x bigint REFERENCES people (id)); ALTER SCHEMA other RENAME TO other2`,
  `ALTER TABLE people ALTER COLUMN mail TYPE varchar(200), ALTER COLUMN mail DROP NOT NULL; REVOKE SELECT ON people FROM snapshot_reader; DROP ROLE snapshot_reader`,
  `CREATE TABLE parted (id int, at date) PARTITION BY RANGE (at); CREATE TABLE parted_2024 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
  `CREATE MATERIALIZED VIEW mv AS SELECT count(*) FROM people; CREATE INDEX mv_idx ON mv (count); ALTER TABLE parted DETACH PARTITION parted_2024`,
];

test('incremental snapshots equal a full read after every kind of change', async () => {
  await withDatabase(async (migrate, inspect) => {
    const tracker = new SchemaTracker(inspect);
    await tracker.reset();
    for (const sql of TRICKY) {
      await migrate.query(sql);
      const incremental = schemaText(await tracker.refresh());
      assert.equal(incremental, schemaText(await readSchema(inspect)), `after: ${sql}`);
    }
  });
});

test('incremental snapshots equal a full read through a generated up → down → up of 60 migrations', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-gen-'));
  try {
    await generateMigrations(dir, 60);
    const ups = readdirSync(dir)
      .filter((f) => f.endsWith('.up.sql'))
      .sort();
    await withDatabase(async (migrate, inspect) => {
      const tracker = new SchemaTracker(inspect);
      await tracker.reset();
      for (const up of ups) {
        for (const file of [up, up.replace('.up.', '.down.'), up]) {
          await migrate.query(readFileSync(join(dir, file), 'utf8'));
          assert.equal(schemaText(await tracker.refresh()), schemaText(await readSchema(inspect)), `after ${file}`);
        }
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('identical schemas give identical snapshots whatever the creation order', async () => {
  const texts: string[] = [];
  for (const order of [
    [0, 1],
    [1, 0],
  ]) {
    await withDatabase(async (migrate, inspect) => {
      const parts = [
        'CREATE TABLE a (id int PRIMARY KEY, note text)',
        'CREATE TABLE b (id int PRIMARY KEY); CREATE INDEX b_idx ON b (id)',
      ];
      for (const i of order) await migrate.query(parts[i]!);
      texts.push(schemaText(await readSchema(inspect)));
    });
  }
  assert.equal(texts[0], texts[1]);
  assert.match(texts[0]!, /^index public\.b_idx\n  CREATE INDEX b_idx ON public\.b USING btree \(id\)$/m);
});
