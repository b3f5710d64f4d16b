// What blocking-lock and fails-on-data say about statements found on real repositories: the
// rows a table holds when no statistics were gathered, a read that validates nothing, one lock
// named once, and a NOT NULL column added with nothing to fill the rows already there.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { repo, sharedServer } from './helpers.ts';

const server = sharedServer();
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function findings(files: Record<string, string>, config?: object, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'mc-wording-'));
  made.push(dir);
  mkdirSync(join(dir, 'db'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, 'db', name), `${sql}\n`);
  if (config) writeFileSync(join(dir, 'migrate-check.json'), JSON.stringify(config));
  const r = await cliInProcess(['db', '--output', 'json', ...args], { server: server(), cwd: dir });
  assert.notEqual(r.code, 2, r.stderr);
  return (JSON.parse(r.stdout) as Report).findings.map((f) => ({
    check: f.check,
    line: f.line,
    message: f.message,
    help: f.help,
  }));
}

test('a lock held while a later statement reads a table the migration itself filled: named once, with its rows counted', async () => {
  const found = await findings({
    '1_ws.up.sql': "CREATE TABLE workspace (id text PRIMARY KEY);\nINSERT INTO workspace VALUES ('a'), ('b');",
    '1_ws.down.sql': 'DROP TABLE workspace;',
    '2_key.up.sql':
      'CREATE TABLE workspace_key (workspace_id text REFERENCES workspace (id), key text);\n' +
      "INSERT INTO workspace_key SELECT id, 'changeme' FROM workspace;",
    '2_key.down.sql': 'DROP TABLE workspace_key;',
  });
  const locks = found.filter((f) => f.check === 'blocking-lock');
  assert.equal(locks.length, 1, JSON.stringify(locks, null, 2));
  assert.equal(locks[0]!.line, 2);
  assert.match(
    locks[0]!.message,
    /^`INSERT INTO workspace_key SELECT id, 'changeme' FROM workspace` in the up of 2_key\.up\.sql holds SHARE ROW EXCLUSIVE on `public\.workspace`, taken at line 1 \(blocks writes\) while it reads every row: held [\d.]+ ms on 2 rows\.$/,
  );
});

test('an UPDATE under a lock taken earlier in its transaction reads every row as it updates the table, once', async () => {
  const found = await findings({
    '1_t.up.sql': 'CREATE TABLE t (id int PRIMARY KEY, a int);',
    '1_t.down.sql': 'DROP TABLE t;',
    '2_b.up.sql': 'ALTER TABLE t ADD COLUMN b int;\nUPDATE t SET b = a WHERE b IS NULL;',
    '2_b.down.sql': 'ALTER TABLE t DROP COLUMN b;',
  });
  const locks = found.filter((f) => f.check === 'blocking-lock');
  assert.deepEqual(
    locks.map((f) => f.line),
    [2],
  );
  assert.match(
    locks[0]!.message,
    /taken at line 1 \(blocks reads and writes\) while it reads every row as it updates the table: held [\d.]+ ms on 1,000 rows\.$/,
  );
});

test('a NOT NULL column added with no DEFAULT: fails-on-data says any table with rows fails, and how to add it', async () => {
  const found = await findings({
    '1_t.up.sql': 'CREATE TABLE t (id int PRIMARY KEY);',
    '1_t.down.sql': 'DROP TABLE t;',
    '2_ns.up.sql': 'ALTER TABLE t ADD COLUMN ns text NOT NULL;',
    '2_ns.down.sql': 'ALTER TABLE t DROP COLUMN ns;',
    '3_ok.up.sql': "ALTER TABLE t ADD COLUMN kind text NOT NULL DEFAULT 'a', ALTER COLUMN ns DROP NOT NULL;",
    '3_ok.down.sql': 'ALTER TABLE t DROP COLUMN kind;',
  });
  const data = found.filter((f) => f.check === 'fails-on-data');
  assert.equal(data.length, 1, JSON.stringify(data, null, 2));
  assert.match(
    data[0]!.message,
    /^The up of 2_ns\.up\.sql passes on empty tables but fails as soon as `public\.t` has a row: it adds `t\.ns` as NOT NULL with no DEFAULT, so every row already there has it NULL: .*\(SQLSTATE 23502\)\. Any production table that is not empty fails the same way\.$/,
  );
  assert.match(data[0]!.help!, /^Give the column a DEFAULT .*, or add it nullable, backfill it, then SET NOT NULL\.$/);
});

test('a DO block that ends no transaction is watched as any statement: the locks its statements hold until it ends', async () => {
  const body = 'BEGIN\n  ALTER TABLE t ADD COLUMN w bigint DEFAULT 0;\n  UPDATE t SET w = v;\nEND';
  const found = await findings({
    '1_t.up.sql': 'CREATE TABLE t (id int, v int);',
    '1_t.down.sql': 'DROP TABLE t;',
    '2_w.up.sql': `DO $$\n${body}\n$$;`,
    '2_w.down.sql': 'ALTER TABLE t DROP COLUMN w;',
    // One that commits runs on its own, as its runner sends it: nothing it held is left to see.
    '3_c.up.sql': `DO $$\nBEGIN\n  UPDATE t SET v = v;\n  COMMIT;\nEND\n$$;`,
    '3_c.down.sql': 'SELECT 1;',
  });
  const locks = found.filter((f) => f.check === 'blocking-lock');
  assert.equal(locks.length, 1, JSON.stringify(found, null, 2));
  assert.match(
    locks[0]!.message,
    /^`DO \$\$` in the up of 2_w\.up\.sql takes ACCESS EXCLUSIVE on `public\.t` \(blocks reads and writes\) while it reads every row: held [\d.]+ ms on 1,000 rows\.$/,
  );
});

test('a value a migration computes out of range, or a cast of text that does not parse, is named as such, not as a new type', async () => {
  const found = await findings({
    '1_t.up.sql': 'CREATE TABLE t (id int PRIMARY KEY, n int, code text);',
    '1_t.down.sql': 'DROP TABLE t;',
    '2_bump.up.sql': 'UPDATE t SET n = n + 1;',
    '2_bump.down.sql': 'UPDATE t SET n = n - 1;',
    '3_parse.up.sql': 'ALTER TABLE t ADD COLUMN code_n int;\nUPDATE t SET code_n = code::int;',
    '3_parse.down.sql': 'ALTER TABLE t DROP COLUMN code_n;',
  });
  const data = found.filter((f) => f.check === 'fails-on-data');
  assert.deepEqual(
    data.map((f) => f.message.replace(/: .*/s, '')),
    [
      'The up of 2_bump.up.sql passes on empty tables but fails when a value it computes from the rows is out of range for its type',
      'The up of 3_parse.up.sql passes on empty tables but fails when a value holds text that is not of the type it is cast to (such as `12abc` or an empty string)',
    ],
    JSON.stringify(data, null, 2),
  );
});

test('a CONCURRENTLY statement sent outside any transaction of the runner, in one query with others: the implicit transaction is why', async () => {
  const marker = '-- runner:no-transaction';
  const found = await findings(
    {
      '1_t.up.sql': 'CREATE TABLE t (id int);',
      '1_t.down.sql': 'DROP TABLE t;',
      '2_idx.up.sql': `${marker}\nUPDATE t SET id = id;\nCREATE INDEX CONCURRENTLY t_id ON t (id);`,
      '2_idx.down.sql': `${marker}\nDROP INDEX CONCURRENTLY t_id;`,
    },
    {
      format: 'custom',
      custom: {
        pattern: '^(?<version>[0-9]+)_(?<name>.*)\\.(?<direction>up|down)\\.sql$',
        transaction: 'wrapped',
        split: 'file',
        'no-transaction-first-line': marker,
      },
    },
  );
  const transaction = found.filter((f) => f.check === 'transaction');
  assert.equal(transaction.length, 1, JSON.stringify(found, null, 2));
  assert.match(
    transaction[0]!.message,
    /in 2_idx\.up\.sql the runner sends the whole file as one query, which Postgres runs as one implicit transaction/,
  );
  assert.match(transaction[0]!.help!, /^Give the statement a migration file of its own, alone/);
});

test("a migration run as a role of its own that names a table of migrate-check's (pending): its tables only are watched and counted", async () => {
  // Up-only, as many histories are: each migration is observed on its way up.
  const found = await findings(
    {
      '1_jobs.up.sql': 'CREATE TABLE jobs (id int);',
      '2_status.up.sql': "ALTER TABLE jobs ADD COLUMN status text DEFAULT 'pending';",
    },
    undefined,
    ['--role', 'app'],
  );
  assert.deepEqual(found, []);
});

test('an up-only history: the migration a pull request adds is checked on seeded rows too, the merged ones are not', async () => {
  const dir = repo(
    {
      'db/1_t.up.sql': 'CREATE TABLE t (id int PRIMARY KEY);\n',
      // Merged long ago, over whatever rows there were: not run on generated ones.
      'db/2_flag.up.sql': 'ALTER TABLE t ADD COLUMN flag int;\nUPDATE t SET flag = 1 / (id - id);\n',
    },
    (d) => writeFileSync(join(d, 'db', '3_c.up.sql'), 'ALTER TABLE t ADD COLUMN c text NOT NULL;\n'),
  );
  made.push(dir);
  const r = await cliInProcess(['db', '--base', 'main', '--output', 'json'], { server: server(), cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(
    report.findings.filter((f) => f.check === 'fails-on-data').map((f) => f.file),
    ['db/3_c.up.sql'],
  );
  // Without a base, a whole up-only history is applied as its deploys ran, on no generated rows.
  const all = await cliInProcess(['db', '--output', 'json'], { server: server(), cwd: dir });
  assert.deepEqual(
    (JSON.parse(all.stdout) as Report).findings.filter((f) => f.check === 'fails-on-data'),
    [],
  );
});

test('a directory with many downs that break their re-up is checked to its end: each rebuilt database goes when the next replaces it', async () => {
  const files: Record<string, string> = {};
  for (let n = 1; n <= 25; n++) {
    // The down leaves a table behind, so the up cannot run again: the state after the up is rebuilt.
    files[`${n}_t${n}.up.sql`] = `CREATE TABLE t${n} (id int);\nCREATE TABLE left${n} (id int);`;
    files[`${n}_t${n}.down.sql`] = `DROP TABLE t${n};`;
  }
  const found = await findings(files, undefined, ['--no-seed', '--no-observe']);
  assert.equal(found.filter((f) => f.check === 'up-repeatable').length, 25);
  assert.equal(found.filter((f) => f.check === 'down-reverts-up').length, 25);
});

test('after a second up that did not bring back the state after the first, the next migrations run on the deploy’s state', async () => {
  const found = await findings(
    {
      '1_t.up.sql': 'CREATE TABLE t (id int);',
      '1_t.down.sql': 'DROP TABLE t;',
      // Its down drops what was there before it: the second up runs on a database without `t`.
      '2_b.up.sql': 'SELECT 1;',
      '2_b.down.sql': 'DROP TABLE t;',
      '3_c.up.sql': 'INSERT INTO t VALUES (1);',
      '3_c.down.sql': 'DELETE FROM t;',
    },
    undefined,
    ['--no-seed', '--no-observe'],
  );
  assert.deepEqual(
    found.map((f) => `${f.check} ${f.message.split(':')[0]}`).sort(),
    [
      'down-reverts-up table `public.t` is missing after 2_b.down.sql (it existed before the up)',
      'up-repeatable table `public.t` is not created again when 2_b.up.sql is applied a second time',
    ].sort(),
  );
});

test('a file that still holds its runner’s template ({{ … }}) is a syntax error whose help names the template and the placeholder to give', async () => {
  const found = await findings({
    '1_t.up.sql': 'CREATE SCHEMA IF NOT EXISTS auth;\nCREATE TABLE {{ index .Options "Namespace" }}.t (id int);',
    '1_t.down.sql': 'DROP TABLE auth.t;',
  });
  const error = found.find((f) => f.check === 'sql-error');
  assert.equal(
    error?.help,
    'The statement still holds `{{ index .Options "Namespace" }}`, a template its runner fills in before it runs the file: ' +
      'give it its value with `placeholders` (e.g. `--placeholder \'{{ index .Options "Namespace" }}=<value>\'`), one for each way it is written.',
  );
  assert.equal(error?.line, 2);
});

test('in the JSON report, a finding that follows from another names its cause, as the text folds it under it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-follows-'));
  made.push(dir);
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db', '1_t.up.sql'), 'CREATE TABLE t (id int);\nCREATE TABLE left_behind (id int);\n');
  writeFileSync(join(dir, 'db', '1_t.down.sql'), 'DROP TABLE t;\n');
  const r = await cliInProcess(['db', '--output', 'json', '--no-seed', '--no-observe'], { server: server(), cwd: dir });
  const findings = (JSON.parse(r.stdout) as { findings: (Report['findings'][number] & { followsFrom?: unknown })[] })
    .findings;
  assert.deepEqual(
    findings.map((f) => [f.check, f.followsFrom ?? null]),
    [
      ['down-reverts-up', null],
      ['up-repeatable', { check: 'down-reverts-up', file: 'db/1_t.down.sql', line: null }],
    ],
  );
  const text = await cliInProcess(['db', '--no-seed', '--no-observe'], { server: server(), cwd: dir });
  assert.match(text.stdout, /Migrations are not safe to merge: 1 error\n/);
});
