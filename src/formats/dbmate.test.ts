import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { dbmate } from './dbmate.ts';
import { memoryDirectory } from '../files/directory.ts';
import type { Script } from '../migration.ts';

const file = (up: string, down = 'select 1;') => `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`;

formatConformance(dbmate, {
  // dbmate orders by file name: `10_` before `9_`.
  files: {
    '9_nine.sql': file('create table nine ();'),
    '10_ten.sql': file('create table ten ();'),
    '20240101120000_ts.sql': file('select 1;'),
  },
  order: ['10', '20240101120000', '9'],
});

test('dbmate: each block is one query from its marker line; transaction:false is read from the marker', async () => {
  const text =
    '-- leading comment\n-- migrate:up transaction:false\ncreate index concurrently i on t (x);\n\n' +
    '-- migrate:down\ndrop index i;\n';
  const [m] = (await dbmate.load(memoryDirectory('db', { '20240101_a b.sql': text }))).migrations;
  assert.equal(m?.name, 'a b');
  assert.equal(m?.up?.transaction, 'implicit');
  assert.equal(m?.down?.transaction, 'wrapped');
  assert.deepEqual(m?.up?.units, [
    { sql: '-- migrate:up transaction:false\ncreate index concurrently i on t (x);\n\n', line: 2, column: 1 },
  ]);
  assert.equal(m?.down?.units[0]?.line, 5);
});

test('dbmate refuses a file without an up block first, or without a down block, even for `dbmate up`', async () => {
  const files = {
    '1_a.sql': 'create table a ();\n-- migrate:up\n',
    '2_b.sql': '-- migrate:up\nselect 1;\n',
    '3_c.sql': file('select 1;'),
  };
  const set = await dbmate.load(memoryDirectory('db', files));
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.file, p.line]),
    [
      ['parse-error', 'db/1_a.sql', 1],
      ['parse-error', 'db/2_b.sql', 1],
    ],
  );
  assert.equal(
    set.problems?.[1]?.message,
    'dbmate refuses 2_b.sql: "dbmate requires each migration to define a down block with \'-- migrate:down\'". ' +
      '`dbmate up` stops at this file; the replay skipped it and went on.',
  );
  assert.deepEqual(
    set.migrations.map((m) => [m.version, Boolean(m.up), Boolean(m.down)]),
    [
      ['1', false, false],
      ['2', false, false],
      ['3', true, true],
    ],
  );
});

test('dbmate: a down marker with text after it starts the down, not more of the up', async () => {
  const text = '-- migrate:up\ncreate table a ();\n-- migrate:down transaction:false \ndrop table a;\n';
  const [m] = (await dbmate.load(memoryDirectory('db', { '1_a.sql': text }))).migrations;
  assert.deepEqual(
    m?.up?.units.map((u) => u.sql),
    ['-- migrate:up\ncreate table a ();\n'],
  );
  assert.deepEqual([m?.down?.units[0]?.line, m?.down?.transaction], [3, 'implicit']);
});

test('dbmate: several sections run one by one, each with its version row, downs in file order', async () => {
  const text =
    '-- migrate:up\ncreate table a ();\n-- migrate:down\ndrop table a;\n-- migrate:up transaction:false\n' +
    'create table b ();\n-- migrate:down\ndrop table b;\n';
  const set = await dbmate.load(memoryDirectory('db', { '7_ab.sql': text }));
  const [m] = set.migrations;
  const units = (s: Script | null | undefined) => s?.units.map((u) => `${u.line} ${u.sql.split('\n')[0]}`);
  assert.equal(m?.up?.transaction, 'none');
  assert.deepEqual(units(m!.up), [
    '1 BEGIN',
    '1 -- migrate:up',
    "1 insert into schema_migrations (version) values ('7')",
    '1 COMMIT',
    '5 -- migrate:up transaction:false',
    "5 insert into schema_migrations (version) values ('7')",
  ]);
  assert.deepEqual(units(m!.down), [
    '3 BEGIN',
    '3 -- migrate:down',
    "3 delete from schema_migrations where version = '7'",
    '3 COMMIT',
    '7 BEGIN',
    '7 -- migrate:down',
    "7 delete from schema_migrations where version = '7'",
    '7 COMMIT',
  ]);
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.severity, p.line]),
    [['parse-error', 'warning', 5]],
  );
  assert.match(set.problems![0]!.message, /records version 7 once per section.*amacneil\/dbmate#820/);
  assert.equal(set.bookkeeping, 'create table if not exists schema_migrations (version varchar primary key)');
});

test('dbmate: two files with one version: the message says what dbmate does on new and old databases', async () => {
  const files = { '1_a.sql': file('select 1;'), '1_b.sql': file('select 2;'), '01_c.sql': file('select 3;') };
  const set = await dbmate.load(memoryDirectory('db', files));
  assert.deepEqual(
    set.migrations.map((m) => m.name),
    ['c', 'a'],
  );
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.file]),
    [['duplicate-version', 'db/1_b.sql']],
  );
  assert.match(
    set.problems![0]!.message,
    /on a new database `dbmate up` applies the first, then runs the second and fails recording its version/,
  );
  assert.match(set.problems![0]!.message, /dbmate takes the second for applied and never runs it/);
});
