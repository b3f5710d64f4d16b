// What the server does for each statement, read from the migration's own backend: the lock
// modes, rewrites and scans of the statements measured in the hazards reference, on a real server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import type { ScratchDatabase } from '../database/database.ts';
import { executeScript } from '../execute.ts';
import type { Script, TransactionMode } from '../migration.ts';
import { splitStatements } from '../sql/split.ts';
import { planUnit, ScriptObserver, unitPosition, type StatementObservation } from './observer.ts';
import { trackRelations } from './relations.ts';
import { sharedServer } from '../../test/helpers.ts';

const server = sharedServer();

const SCHEMA = `
CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE t (id serial PRIMARY KEY, a int, v varchar(20), ts timestamp, p int, note text);
CREATE INDEX t_v ON t (v);
INSERT INTO parent SELECT g FROM generate_series(1, 50) g;
INSERT INTO t (a, v, ts, p) SELECT g, 'x' || g, '2024-01-01', 1 + g % 50 FROM generate_series(1, 500) g;`;

/** Runs `sql` as one migration script (units as a runner splits them) and returns what was observed. */
async function observe(
  sql: string,
  options: { transaction?: TransactionMode; whole?: boolean; schema?: string; lockTimeoutMs?: number } = {},
) {
  await using db: ScratchDatabase = await server().createDatabase('observe');
  const client: pg.Client = await db.connect(options.lockTimeoutMs ? { lockTimeoutMs: options.lockTimeoutMs } : {});
  try {
    await client.query(options.schema ?? SCHEMA);
    const tracked = await trackRelations(client);
    const observer = new ScriptObserver(client, tracked, options.lockTimeoutMs);
    await observer.start();
    const units = options.whole ? [{ sql, line: 1, column: 1 }] : splitStatements(sql);
    const script: Script = { file: 'm.sql', units, transaction: options.transaction ?? 'wrapped' };
    const error = await executeScript(client, script, undefined, observer);
    return { error, statements: observer.finish(), client };
  } finally {
    await client.end();
  }
}

const modes = (s: StatementObservation, relation = 'public.t') =>
  s.locks
    .filter((l) => l.relation === relation)
    .map((l) => l.mode)
    .sort();

test('observe: SET NOT NULL takes ACCESS EXCLUSIVE and scans the table, without a rewrite', async () => {
  const {
    statements: [s],
  } = await observe('ALTER TABLE t ALTER COLUMN a SET NOT NULL;');
  assert.deepEqual(modes(s!), ['AccessExclusiveLock']);
  assert.deepEqual(s!.scans, ['public.t']);
  assert.deepEqual(s!.rewrites, []);
  assert.equal(s!.lockTimeout, '0');
});

test('observe: int → bigint rewrites the table and its indexes; varchar(20) → text rewrites nothing', async () => {
  const { statements } = await observe(
    'ALTER TABLE t ALTER COLUMN a TYPE bigint;\nALTER TABLE t ALTER COLUMN v TYPE text;',
  );
  assert.deepEqual(statements[0]!.rewrites.sort(), ['public.t', 'public.t_pkey', 'public.t_v']);
  assert.deepEqual(statements[0]!.scans, [], 'the rewrite is not counted again as a scan');
  assert.deepEqual(statements[1]!.rewrites, []);
  assert.equal(statements[1]!.line, 2);
});

test('observe: timestamp → timestamptz rewrites in a non-UTC session and not in UTC', async () => {
  const oslo = await observe("SET TimeZone = 'Europe/Oslo';\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz;");
  assert.ok(oslo.statements[1]!.rewrites.includes('public.t'));
  const utc = await observe("SET TimeZone = 'UTC';\nALTER TABLE t ALTER COLUMN ts TYPE timestamptz;");
  assert.deepEqual(utc.statements[1]!.rewrites, []);
});

test('observe: a lock is held through the later statements of the transaction, and not after a COMMIT', async () => {
  const { statements } = await observe(
    'ALTER TABLE t ADD COLUMN b int DEFAULT 0;\nCREATE TABLE other (id int);\nSELECT pg_sleep(0.05);',
    { transaction: 'wrapped' },
  );
  const lock = statements[0]!.locks.find((l) => l.relation === 'public.t' && l.mode === 'AccessExclusiveLock')!;
  assert.equal(lock.heldAcross, 2);
  assert.ok(lock.heldMs >= 50, `held ${lock.heldMs} ms across a 50 ms statement`);
  assert.deepEqual(statements[0]!.rewrites, [], 'a constant default rewrites nothing');
  const own = await observe('BEGIN;\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;\nSELECT pg_sleep(0.05);', {
    transaction: 'implicit',
    whole: true,
  });
  const held = own.statements[1]!.locks.find((l) => l.mode === 'AccessExclusiveLock')!;
  assert.ok(held.heldMs < 50, `released at COMMIT, not after the sleep (${held.heldMs} ms)`);
});

test('observe: a file sent as one query keeps one implicit transaction, and is observed per statement', async () => {
  const { statements, error } = await observe(
    'CREATE INDEX t_a ON t (a);\n-- then\nALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES parent (id);',
    { transaction: 'implicit', whole: true },
  );
  assert.equal(error, null);
  assert.equal(statements.length, 2);
  assert.deepEqual(modes(statements[0]!), ['ShareLock']);
  assert.deepEqual(statements[0]!.scans, ['public.t']);
  assert.equal(statements[1]!.line, 3);
  assert.ok(modes(statements[1]!).includes('ShareRowExclusiveLock'));
  assert.ok(modes(statements[1]!, 'public.parent').includes('ShareRowExclusiveLock'));
  assert.deepEqual(statements[1]!.scans, ['public.parent', 'public.t']);
});

test('observe: NOT VALID scans nothing; VALIDATE takes only SHARE UPDATE EXCLUSIVE', async () => {
  const { statements } = await observe(
    'ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0) NOT VALID;\n' +
      'COMMIT;\nBEGIN;\nALTER TABLE t VALIDATE CONSTRAINT pos;',
    { transaction: 'wrapped' },
  );
  assert.deepEqual(statements[0]!.scans, []);
  const validate = statements.find((s) => s.text.startsWith('ALTER TABLE t VALIDATE'))!;
  assert.deepEqual(modes(validate), ['ShareUpdateExclusiveLock']);
  assert.deepEqual(validate.scans, ['public.t']);
});

test('observe: CREATE INDEX CONCURRENTLY runs on its own as its runner sends it, outside a transaction', async () => {
  const { statements, error } = await observe('CREATE INDEX CONCURRENTLY t_a ON t (a);', { transaction: 'none' });
  assert.equal(error, null);
  assert.equal(statements[0]!.outsideTransaction, true);
  assert.deepEqual(statements[0]!.locks, []);
});

test(
  'observe: TRUNCATE is labelled as such, not as a ' + 'rewrite; objects the script creates are not watched',
  async () => {
    const { statements } = await observe(
      'CREATE TABLE fresh (id int);\nALTER TABLE fresh ALTER COLUMN id TYPE bigint;\nTRUNCATE t;',
    );
    assert.deepEqual(statements[1]!.rewrites, []);
    assert.deepEqual(statements[1]!.locks, []);
    assert.deepEqual(statements[2]!.rewrites, []);
    assert.ok(statements[2]!.truncates.includes('public.t'));
  },
);

test('observe: an error keeps its line and column in the file, the probes taken out', async () => {
  const { error } = await observe('CREATE TABLE b (id int);\nSELECT nope FROM b;', {
    transaction: 'implicit',
    whole: true,
  });
  assert.equal(error?.line, 2);
  assert.equal(error?.column, 8);
  const plan = planUnit({ sql: 'SELECT 1;\nSELECT 2', line: 1, column: 1 }, 'SELECT 0 AS migrate_check_probe')!;
  assert.equal(unitPosition(plan, plan.insertions[0]!.length + 1), 1, 'the first character of the unit');
  assert.equal(unitPosition(plan, 2), null, 'inside a probe');
});

test("observe: migrate-check's own --lock-timeout is not the migration's; the same value set by the migration is", async () => {
  // As Postgres shows each value.
  for (const [ms, shown] of [
    [60_000, '1min'],
    [999, '999ms'],
    [1_999, '1999ms'],
  ] as const) {
    const { statements } = await observe(
      `ALTER TABLE t ADD COLUMN b int;\nSET lock_timeout = '${ms}ms';\nALTER TABLE t ADD COLUMN c int;`,
      { lockTimeoutMs: ms },
    );
    assert.equal(statements[0]!.lockTimeout, '0', `--lock-timeout ${ms} ms read as the migration's`);
    assert.equal(statements[2]!.lockTimeout, shown, `the migration's lock_timeout of ${ms} ms was not read`);
  }
});

test('observe: lock_timeout is read as each statement starts', async () => {
  const { statements } = await observe("SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN b int;");
  assert.equal(statements[0]!.lockTimeout, '0');
  assert.equal(statements[1]!.lockTimeout, '2s');
});

test(
  'observe: what runs stays what the runner runs: a ' + 'DO block that COMMITs, SET TRANSACTION after BEGIN',
  async () => {
    const commits = 'DO $$ BEGIN CREATE TABLE a (id int); COMMIT; CREATE TABLE b (id int); END $$;';
    assert.equal(
      (await observe(commits, { transaction: 'none' })).error,
      null,
      'a DO block that commits runs outside any block, as sent',
    );
    const isolation = 'BEGIN;\nSET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nALTER TABLE t ADD COLUMN b int;\nCOMMIT;';
    assert.equal((await observe(isolation, { transaction: 'implicit', whole: true })).error, null, 'one query');
    const split = await observe(isolation, { transaction: 'none' });
    assert.equal(split.error, null, 'statement by statement');
    const alter = split.statements.find((s) => s.text.startsWith('ALTER'))!;
    assert.ok(
      alter.locks.some((l) => l.relation === 'public.t' && l.mode === 'AccessExclusiveLock'),
      'the ALTER after them is still observed',
    );
  },
);

test('observe: a sequence given a new file (ALTER SEQUENCE … AS bigint) is not a table rewrite', async () => {
  const { statements } = await observe('ALTER SEQUENCE t_id_seq AS bigint;');
  assert.deepEqual(statements[0]!.rewrites, []);
});
