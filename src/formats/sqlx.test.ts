import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { memoryDirectory } from '../files/directory.ts';
import { sqlx } from './sqlx.ts';

formatConformance(sqlx, {
  files: {
    '10_ten.up.sql': 'create table ten ();',
    '10_ten.down.sql': 'drop table ten;',
    '9_nine.sql': 'create table nine ();',
  },
  order: ['9', '10'],
  detected: false,
});

test('sqlx: each file is one query in a transaction, or alone with `-- no-transaction` on the first line', async () => {
  const set = await sqlx.load(
    memoryDirectory('db', {
      '1_a.sql': 'create table a ();',
      '2_b.sql': '-- no-transaction\ncreate index concurrently i on a (x);',
    }),
  );
  assert.deepEqual(
    set.migrations.map((m) => m.up?.transaction),
    ['wrapped', 'implicit'],
  );
  assert.match(set.bookkeeping, /_sqlx_migrations/);
});

test('sqlx: a name without an integer version stops sqlx, and migrate-check says how to fix it', async () => {
  await assert.rejects(
    sqlx.load(memoryDirectory('db', { 'v1_a.sql': '' })),
    /db\/v1_a\.sql: sqlx refuses to run this directory: `v1` is not an integer version/,
  );
});

test(
  'sqlx: detected only when a file carries its own ' + "marker (otherwise its files look like other tools')",
  async () => {
    const dir = memoryDirectory('db', { '1_a.sql': '-- no-transaction\nselect 1;' });
    assert.equal(await sqlx.detect(dir, await dir.list()), true);
  },
);
