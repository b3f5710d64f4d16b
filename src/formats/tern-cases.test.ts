import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { containsSql, tern } from './tern.ts';

/**
 * tern's migration folder, case by case: `follows` names the upstream test in
 * migrate/migrate_test.go (with its testdata folders) or the code the case follows
 * (FindMigrations, LoadMigrations, disableTxPattern).
 */
const sql = (up: string, down = '') => `${up}\n---- create above / drop below ----\n${down}`;

test('tern TestFindMigrationsUnsorted: 1 … 10 in number order', async () => {
  const files = Object.fromEntries([...Array(10)].map((_, i) => [`${i + 1}_empty.sql`, sql('select 1;')]));
  const set = await tern.load(memoryDirectory('db', files));
  assert.deepEqual(
    set.migrations.map((m) => m.version),
    ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
  );
});

test('tern TestFindMigrationsWithGaps: "Missing migration 2"', async () => {
  const set = await tern.load(
    memoryDirectory('db', {
      '001_create_t1.sql': sql('create table t1();'),
      '003_irreversible.sql': sql('drop table t1;'),
    }),
  );
  assert.match(set.problems![0]!.message, /Migration 2 is missing before 003_irreversible.sql.*"Missing migration 2"/);
});

test('tern TestFindMigrationsWithDuplicate: "Duplicate migration 2"', async () => {
  const set = await tern.load(
    memoryDirectory('db', {
      '001_create_t1.sql': sql('create table t1();'),
      '002_create_t2.sql': sql('create table t2();'),
      '002_duplicate.sql': sql('select 1;'),
    }),
  );
  assert.equal(set.migrations.length, 2);
  assert.match(set.problems![0]!.message, /002_duplicate.sql and 002_create_t2.sql .*"Duplicate migration 2"/);
});

test('tern TestLoadMigrations (testdata/sample): names, trimmed sections, irreversible, shared templates', async () => {
  const set = await tern.load(
    memoryDirectory('db', {
      '001_create_t1.sql':
        'create table t1(\n  id serial primary key\n);\n\n---- create above / drop below ----\n\ndrop table t1;\n',
      '003_irreversible.sql': 'drop table t2;\n',
      '002_create_t2.sql': sql('create table t2(id serial);', 'drop table t2;'),
      '004_data_interpolation.sql': sql('create table {{.prefix}}_bar(id serial primary key);', 'drop table x;'),
      'shared/v1_001.sql': 'create table v1();',
      'should_be_ignored.sql': 'select 1;',
    }),
    { placeholders: { '{{.prefix}}': 'foo' } },
  );
  assert.deepEqual(
    set.migrations.map((m) => [m.version, m.name]),
    [
      ['001', 'create_t1'],
      ['002', 'create_t2'],
      ['003', 'irreversible'],
      ['004', 'data_interpolation'],
    ],
  );
  assert.equal(set.migrations[0]!.up!.units[0]!.sql, 'create table t1(\n  id serial primary key\n);');
  assert.equal(set.migrations[0]!.down!.units[0]!.sql, 'drop table t1;');
  assert.equal(set.migrations[2]!.down, null);
  assert.ok(set.ignored.some((i) => i.file === 'shared/v1_001.sql' && /shared template/.test(i.reason)));
  assert.ok(set.ignored.some((i) => i.file === 'should_be_ignored.sql'));
  // `{{.prefix}}` has its value from `placeholders`: the literal replacement renders it later.
  assert.equal(set.migrations[3]!.up!.units[0]!.sql, 'create table {{.prefix}}_bar(id serial primary key);');
});

test('tern: a template action without a value leaves the migration out and says why', async () => {
  const set = await tern.load(memoryDirectory('db', { '001_a.sql': sql('create table {{.prefix}}_bar();') }));
  assert.equal(set.migrations[0]!.up, null);
  assert.match(set.problems![0]!.message, /uses the template action `\{\{\.prefix\}\}`/);
});

test('tern TestLoadMigrationsNoForward: comments only above the separator', async () => {
  const text = '-- no SQL here\n-- nor here, just all comments.\n -- comment with space before\n \n';
  assert.equal(containsSql(text.trim()), false);
  const set = await tern.load(memoryDirectory('db', { '001_create_no_forward.sql': sql(text, 'drop table t1;') }));
  assert.match(set.problems![0]!.message, /no forward migration found/);
});

test('tern TestMigrateToDisableTxInMigration: the marker line runs the section statement by statement', async () => {
  const set = await tern.load(
    memoryDirectory('db', { '1_t1.sql': '---- tern: disable-tx ----\ncreate table t1(id serial);\nsyntax error;' }),
  );
  assert.equal(set.migrations[0]!.up!.transaction, 'none');
  // Only a line of its own counts (`(?m)^---- tern: disable-tx ----$`).
  const inline = await tern.load(memoryDirectory('db', { '1_t1.sql': 'select 1; ---- tern: disable-tx ----' }));
  assert.equal(inline.migrations[0]!.up!.transaction, 'wrapped');
});

test('tern TestMigrateToIrreversible: an empty down is a missing down', async () => {
  const told = tern.missingDown!({ file: '003_irreversible.sql', version: '003', directory: 'db' });
  assert.match(told.message, /Irreversible migration/);
});
