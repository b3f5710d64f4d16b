import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type pg from 'pg';
import { generateMigrations } from '../../bench/generate.ts';
import type { ScratchDatabase } from '../database/database.ts';
import { prepareInspector, readSchema, SchemaTracker, schemaText } from './snapshot.ts';
import { sharedServer } from '../../test/helpers.ts';

const server = sharedServer();

async function withDatabase(fn: (migrate: pg.Client, inspect: pg.Client) => Promise<void>) {
  const db: ScratchDatabase = await server().createDatabase('snapshot-test');
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
  `CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY ` +
    `KEY, email text NOT NULL, mood mood DEFAULT 'a')`,
  `CREATE UNIQUE INDEX users_email_idx ON users (lower(email)) WHERE email IS NOT NULL; COMMENT ON COLUMN ` +
    `users.email IS 'the email'`,
  `CREATE VIEW v AS SELECT id, email FROM users; CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS ` +
    `$$BEGIN RETURN NEW; END$$; CREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION f()`,
  `ALTER TABLE users RENAME COLUMN email TO mail`,
  `ALTER TABLE users RENAME TO people`,
  `COMMENT ON COLUMN people.mail IS NULL`,
  `CREATE SEQUENCE s; ALTER SEQUENCE s OWNED BY people.id; ALTER TABLE people ENABLE ROW LEVEL SECURITY; ` +
    `CREATE POLICY p ON people USING (id > 0)`,
  `ALTER TYPE mood ADD VALUE 'c'; ALTER TYPE mood RENAME TO feeling`,
  `CREATE ROLE snapshot_reader; GRANT SELECT ON people TO snapshot_reader; ALTER FUNCTION f() RENAME TO g`,
  `DROP VIEW v; DROP INDEX users_email_idx; ALTER TABLE people DROP COLUMN mood; DROP TYPE feeling`,
  `CREATE SCHEMA other; CREATE TABLE other.t (x bigint REFERENCES people (id)); ALTER SCHEMA other RENAME TO other2`,
  `ALTER TABLE people ALTER COLUMN mail TYPE varchar(200), ALTER COLUMN mail DROP NOT NULL; REVOKE SELECT ON ` +
    `people FROM snapshot_reader; DROP ROLE snapshot_reader`,
  `CREATE TABLE parted (id int, at date) PARTITION BY RANGE (at); CREATE TABLE parted_2024 PARTITION OF ` +
    `parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
  `CREATE MATERIALIZED VIEW mv AS SELECT count(*) FROM people; CREATE INDEX mv_idx ON mv (count); ALTER TABLE ` +
    `parted DETACH PARTITION parted_2024`,
  // Changes the change log's triggers report without OIDs, or not on the object that changed.
  `CREATE ROLE snapshot_owner; ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO snapshot_owner`,
  'CREATE TABLE owned_by_role (id int); ALTER TABLE owned_by_role OWNER TO snapshot_owner; ' +
    'GRANT ALL ON people TO snapshot_owner',
  `DROP OWNED BY snapshot_owner; DROP ROLE snapshot_owner`,
  'CREATE TYPE pair AS (a int); ALTER TYPE pair ADD ATTRIBUTE b text; ' +
    'CREATE TABLE base (a int); CREATE TABLE heir () INHERITS (base)',
  `ALTER TABLE base ADD COLUMN b int; ALTER TABLE base RENAME COLUMN a TO aa`,
  // A composite type's attributes changed alone (only its relation's pg_attribute rows are written).
  'ALTER TYPE pair ALTER ATTRIBUTE a TYPE bigint',
  'ALTER TYPE pair RENAME ATTRIBUTE b TO bb; ALTER TYPE pair DROP ATTRIBUTE a',
  'ALTER TABLE heir NO INHERIT base; ' +
    `ALTER TABLE parted ATTACH PARTITION parted_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
  `CREATE SEQUENCE s2; ALTER TABLE people ADD COLUMN n bigint DEFAULT nextval('s2'); ` +
    'CREATE INDEX people_n ON people (n)',
  `ALTER TABLE people ALTER COLUMN n TYPE numeric; COMMENT ON INDEX people_n IS 'n'`,
  `DROP SEQUENCE s2 CASCADE`,
  'CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN END$$; ' +
    'CREATE EVENT TRIGGER audit ON ddl_command_end EXECUTE FUNCTION on_ddl()',
  `ALTER FUNCTION on_ddl() RENAME TO on_ddl2; ALTER EVENT TRIGGER audit DISABLE`,
  `DROP EVENT TRIGGER audit`,
  `SET session_replication_role = replica; CREATE TABLE while_replica (id int); SET session_replication_role = origin`,
  `CREATE SCHEMA doomed; CREATE TABLE doomed.t (id int); CREATE VIEW doomed_v AS SELECT * FROM doomed.t`,
  `DROP SCHEMA doomed CASCADE; COMMENT ON TABLE people IS 'people'`,
  `DO $$BEGIN EXECUTE 'CREATE TABLE dynamic (id int)'; END$$`,
  `ALTER TABLE dynamic SET (fillfactor = 70); ALTER TABLE dynamic SET SCHEMA other2`,
  // Indexes rebuilt under new OIDs, and an index a constraint takes over, with no trace in the log.
  'CREATE TABLE rebuilt (a int, b int); CREATE INDEX rebuilt_a ON rebuilt (a); ' +
    'CREATE UNIQUE INDEX rebuilt_b ON rebuilt (b)',
  'ALTER TABLE rebuilt ALTER COLUMN a TYPE bigint; ' +
    'ALTER TABLE rebuilt ADD CONSTRAINT rebuilt_b_key UNIQUE USING INDEX rebuilt_b',
  'ALTER TABLE rebuilt ALTER COLUMN a TYPE numeric; ALTER TABLE rebuilt RENAME TO rebuilt2; DROP TABLE rebuilt2',
  // template0's public schema, renamed (a full read finds it by OID) and back.
  'CREATE VIEW other2.people_ids AS SELECT id FROM people; ALTER SCHEMA public RENAME TO app',
  'ALTER SCHEMA app RENAME TO public',
];

/**
 * Runs TRICKY step by step, holding the incremental snapshot equal to a full read after each
 * (`ownSession`: on a session of the tracker's own, which plans its reads as index lookups).
 */
async function holdsThroughTricky(
  migrate: pg.Client,
  inspect: pg.Client,
  start: (tracker: SchemaTracker) => Promise<unknown> = (tracker) => tracker.reset(),
  ownSession = false,
): Promise<void> {
  // On its own session, the churned catalogs are vacuumed after every step with DDL here.
  const tracker = new SchemaTracker(inspect, { ownSession, vacuumEvery: 1 });
  await start(tracker);
  for (const sql of TRICKY) {
    await migrate.query(sql);
    const incremental = schemaText(await tracker.refresh());
    assert.equal(incremental, schemaText(await readSchema(inspect)), `after: ${sql}`);
  }
  // Steps that fail leave the schema as it was, except an index build that failed part-way.
  await migrate.query('CREATE TABLE dup (v int); INSERT INTO dup VALUES (1), (1)');
  for (const sql of [
    'BEGIN; CREATE TABLE rolled_back (id int); ALTER TABLE dup RENAME TO x; SELECT 1/0',
    'ROLLBACK',
    'CREATE UNIQUE INDEX CONCURRENTLY dup_v ON dup (v)',
    'DROP INDEX dup_v; DROP INDEX CONCURRENTLY people_n',
  ]) {
    await migrate.query(sql).catch(() => {});
    assert.equal(schemaText(await tracker.refresh()), schemaText(await readSchema(inspect)), `after: ${sql}`);
  }
  assert.doesNotMatch(schemaText(await tracker.refresh()), /_migrate_check/);
}

test('incremental snapshots equal a full read after every kind of change', async () => {
  await withDatabase(holdsThroughTricky);
});

test('incremental snapshots on a session of their own (index lookups) equal a full read after every kind of change', async () => {
  await withDatabase((migrate, inspect) => holdsThroughTricky(migrate, inspect, undefined, true));
});

/** The names of the prepared statements sent on `client` from now on. */
function sent(client: pg.Client): string[] {
  const names: string[] = [];
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (q: unknown, ...rest: unknown[]) => {
    if (typeof q === 'object' && q && 'name' in q) names.push(String(q.name));
    return query(q, ...rest);
  };
  return names;
}

test("a fresh database's first snapshot is known after one full read, and stays equal to full reads", async () => {
  for (const round of [1, 2, 3]) {
    await withDatabase(async (migrate, inspect) => {
      const names = sent(inspect);
      await holdsThroughTricky(migrate, inspect, async (tracker) => {
        await tracker.resetFresh();
        assert.equal(schemaText(tracker.schema), schemaText(await readSchema(inspect)), `round ${round}`);
        assert.match(schemaText(tracker.schema), /^schema public\n/);
      });
      // The first database on the server is read in full; the next ones are not.
      const full = names.filter((name) => name === 'migrate_check_reset').length;
      assert.equal(full, round === 1 ? 1 : 0, `full reads in round ${round}`);
    });
  }
  // What changed in a database before its first snapshot shows: it is read, not taken as known.
  for (const change of [
    `COMMENT ON SCHEMA public IS 'changed'`,
    'REVOKE ALL ON SCHEMA public FROM PUBLIC',
    'CREATE TABLE early (id int)',
    'ALTER SCHEMA public RENAME TO main',
    'CREATE FUNCTION early() RETURNS int LANGUAGE sql AS $$SELECT 1$$',
  ]) {
    await withDatabase(async (migrate, inspect) => {
      await migrate.query(change);
      const tracker = new SchemaTracker(inspect);
      await tracker.resetFresh();
      assert.equal(schemaText(tracker.schema), schemaText(await readSchema(inspect)), change);
      assert.notEqual(schemaText(tracker.schema), 'schema public\n', change);
    });
  }
});

test('a fresh database where the change log cannot be installed (not superuser) is known after one full read too', async () => {
  for (const round of [1, 2]) {
    await withDatabase(async (migrate, inspect) => {
      await migrate.query('CREATE ROLE snapshot_fresh');
      try {
        await inspect.query('SET ROLE snapshot_fresh');
        const names = sent(inspect);
        await holdsThroughTricky(migrate, inspect, (tracker) => tracker.resetFresh());
        const { rows } = await inspect.query(`SELECT 1 FROM pg_namespace WHERE nspname = '_migrate_check'`);
        assert.equal(rows.length, 0, 'no change log without a superuser');
        // The first such database is read in full; the next one is not.
        const full = names.filter((name) => name === 'migrate_check_reset').length;
        assert.equal(full, round === 1 ? 1 : 0, `full reads in round ${round}`);
      } finally {
        await inspect.query('RESET ROLE');
        await migrate.query('DROP OWNED BY snapshot_fresh; DROP ROLE snapshot_fresh');
      }
    });
  }
});

test('incremental snapshots equal a full read where the role cannot log changes (not superuser)', async () => {
  await withDatabase(async (migrate, inspect) => {
    await migrate.query('CREATE ROLE snapshot_plain');
    try {
      await inspect.query('SET ROLE snapshot_plain');
      await holdsThroughTricky(migrate, inspect);
      const { rows } = await inspect.query(`SELECT 1 FROM pg_namespace WHERE nspname = '_migrate_check'`);
      assert.equal(rows.length, 0, 'no change log without a superuser');
    } finally {
      await inspect.query('RESET ROLE');
      await migrate.query('DROP OWNED BY snapshot_plain; DROP ROLE snapshot_plain');
    }
  });
});

test('incremental snapshots stay equal to a full read after a migration removes the change log', async () => {
  await withDatabase(async (migrate, inspect) => {
    // On a session of its own, which plans index lookups while the log is read, and scans after.
    const tracker = new SchemaTracker(inspect, { ownSession: true });
    await tracker.reset();
    for (const sql of [
      'CREATE TABLE a (id int)',
      'ALTER TABLE a ADD COLUMN b int; DROP SCHEMA _migrate_check CASCADE',
      'ALTER TABLE a ADD COLUMN c int; COMMENT ON TABLE a IS NULL',
    ]) {
      await migrate.query(sql);
      assert.equal(schemaText(await tracker.refresh()), schemaText(await readSchema(inspect)), `after: ${sql}`);
    }
  });
});

test('a digest watched with the change log is read with it after each step; one the session cannot read is left out, the log still read', async () => {
  await withDatabase(async (migrate, inspect) => {
    const counted = new SchemaTracker(inspect);
    counted.watchCluster(`(SELECT count(*) FROM pg_catalog.pg_class WHERE relname LIKE 'watched%')`);
    await counted.reset();
    for (const [sql, digest] of [
      ['CREATE TABLE watched_a (id int)', '1'],
      ['CREATE TABLE watched_b (id int)', '2'],
      ['DROP TABLE watched_a', '1'],
    ] as const) {
      await migrate.query(sql);
      assert.equal(schemaText(await counted.refresh()), schemaText(await readSchema(inspect)), `after: ${sql}`);
      assert.equal(counted.clusterDigest, digest, `the digest after: ${sql}`);
    }

    const unreadable = new SchemaTracker(inspect);
    unreadable.watchCluster(`(SELECT pg_catalog.pg_read_file('/no/such/file'))`);
    await unreadable.reset();
    for (const sql of ['CREATE TABLE c (id int)', 'ALTER TABLE c ADD COLUMN d int']) {
      await migrate.query(sql);
      assert.equal(schemaText(await unreadable.refresh()), schemaText(await readSchema(inspect)), `after: ${sql}`);
      assert.equal(unreadable.clusterDigest, undefined);
      const { rows } = await inspect.query<{ n: number }>('SELECT count(*)::int AS n FROM _migrate_check.changes');
      assert.equal(rows[0]!.n, 0, 'the change log is still read, and emptied, after each step');
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
      // As a replay of 100 or more migrations reads it: on a session of its own, whose churned
      // catalogs are vacuumed (every 500 steps with DDL; every 7 here).
      const tracker = new SchemaTracker(inspect, { ownSession: true, vacuumEvery: 7 });
      let vacuums = 0;
      const query = inspect.query.bind(inspect) as (...args: unknown[]) => unknown;
      (inspect as { query: unknown }).query = (q: unknown, ...rest: unknown[]) => {
        if (typeof q === 'string' && q.startsWith('VACUUM')) vacuums++;
        return query(q, ...rest);
      };
      await tracker.reset();
      for (const up of ups) {
        for (const file of [up, up.replace('.up.', '.down.'), up]) {
          await migrate.query(readFileSync(join(dir, file), 'utf8'));
          assert.equal(schemaText(await tracker.refresh()), schemaText(await readSchema(inspect)), `after ${file}`);
        }
      }
      assert.ok(vacuums >= 20, `the catalogs were vacuumed along the way (${vacuums} times)`);
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
