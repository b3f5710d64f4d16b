import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { dbmate } from './dbmate.ts';
import { memoryDirectory } from './directory.ts';

const file = (up: string, down = 'select 1;') => `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`;

formatConformance(dbmate, {
  // dbmate orders by file name: `10_` before `9_`.
  files: { '9_nine.sql': file('create table nine ();'), '10_ten.sql': file('create table ten ();'), '20240101120000_ts.sql': file('select 1;') },
  order: ['10', '20240101120000', '9'],
});

test('dbmate: each block is one query from its marker line; transaction:false is read from the marker', async () => {
  const text = '-- leading comment\n-- migrate:up transaction:false\ncreate index concurrently i on t (x);\n\n-- migrate:down\ndrop index i;\n';
  const [m] = (await dbmate.load(memoryDirectory('db', { '20240101_a b.sql': text }))).migrations;
  assert.equal(m?.name, 'a b');
  assert.equal(m?.up?.transaction, 'implicit');
  assert.equal(m?.down?.transaction, 'wrapped');
  assert.deepEqual(m?.up?.units, [{ sql: '-- migrate:up transaction:false\ncreate index concurrently i on t (x);\n\n', line: 2, column: 1 }]);
  assert.equal(m?.down?.units[0]?.line, 5);
});

test('dbmate: a file without an up block first is a parse-error; no down block means no down', async () => {
  const set = await dbmate.load(memoryDirectory('db', { '1_a.sql': 'create table a ();\n-- migrate:up\n', '2_b.sql': '-- migrate:up\nselect 1;\n' }));
  assert.equal(set.problems?.[0]?.check, 'parse-error');
  assert.equal(set.migrations[1]?.down, null);
});
