import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { memoryDirectory } from '../files/directory.ts';
import { golangMigrate } from './golang-migrate.ts';
import { detectFormat } from './index.ts';

formatConformance(golangMigrate, {
  files: {
    '10_ten.up.sql': 'create table ten ();',
    '10_ten.down.sql': 'drop table ten;',
    '9_nine.up.sql': 'create table nine ();',
    '9_nine.down.sql': 'drop table nine;',
    '0011_eleven.up.sql': 'create table eleven ();',
  },
  order: ['9', '10', '0011'],
});

test('golang-migrate: 3-digit, 6-digit and 14-digit versions all order numerically', async () => {
  const set = await golangMigrate.load(
    memoryDirectory('m', {
      '20240101120000_ts.up.sql': 'select 1',
      '000002_six.up.sql': 'select 1',
      '096_three.up.sql': 'select 1',
      '001_first.up.sql': 'select 1',
    }),
  );
  assert.deepEqual(
    set.migrations.map((m) => m.version),
    ['001', '000002', '096', '20240101120000'],
  );
});

test(
  'golang-migrate: pairs up and down by version and ' + 'sends each file whole, as one implicit transaction',
  async () => {
    const set = await golangMigrate.load(
      memoryDirectory('m', {
        '1_a.up.sql': 'create table a ();\ncreate table b ();',
        '1_a.down.sql': 'drop table b; drop table a;',
      }),
    );
    const [m] = set.migrations;
    assert.equal(m?.name, 'a');
    assert.deepEqual(m?.up?.units, [{ sql: 'create table a ();\ncreate table b ();', line: 1, column: 1 }]);
    assert.equal(m?.up?.transaction, 'implicit');
    assert.equal(m?.down?.file, 'm/1_a.down.sql');
    assert.match(set.bookkeeping, /schema_migrations \(version bigint not null primary key, dirty boolean not null\)/);
  },
);

test('golang-migrate: files its runner ignores are listed with the reason', async () => {
  const set = await golangMigrate.load(
    memoryDirectory('m', {
      '1_a.up.sql': 'select 1',
      '3-add.up.sql': 'select 1',
      'x_a.up.sql': 'select 1',
      'prerequisites.sql': 'select 1',
    }),
  );
  assert.deepEqual(
    set.ignored.map((i) => i.file),
    ['3-add.up.sql', 'prerequisites.sql', 'x_a.up.sql'],
  );
});

test(
  'golang-migrate: a duplicate version is a duplicate-version ' + 'problem naming both files; the first is kept',
  async () => {
    const set = await golangMigrate.load(memoryDirectory('m', { '1_a.up.sql': 'select 1', '01_b.up.sql': 'select 1' }));
    assert.deepEqual(
      set.migrations.map((m) => m.up?.file),
      ['m/01_b.up.sql'],
    );
    assert.deepEqual(
      set.problems?.map((p) => [p.check, p.file]),
      [['duplicate-version', 'm/1_a.up.sql']],
    );
    assert.match(
      set.problems![0]!.message,
      /1_a\.up\.sql and 01_b\.up\.sql are both version 1: golang-migrate refuses to run the directory/,
    );
  },
);

test('auto-detection names the formats and tells the user to set one when nothing fits', async () => {
  assert.equal((await detectFormat(memoryDirectory('db', { '1_a.up.sql': '' }))).id, 'golang-migrate');
  await assert.rejects(
    detectFormat(memoryDirectory('db', { 'notes.txt': '' })),
    /No migration format matched `db`.*set `format`/,
  );
});

test('a file that is not UTF-8 is refused with its name, the offending byte and the fix', async () => {
  const dir = memoryDirectory('m', { '1_a.up.sql': new Uint8Array([0x73, 0x65, 0x6c, 0xe9, 0x20]) });
  await assert.rejects(
    golangMigrate.load(dir),
    /m\/1_a\.up\.sql is not valid UTF-8 \(byte 0xe9 at offset 3, line 1\).*re-save the file with UTF-8/,
  );
});

test('a migration folder that is also a git repository: hidden folders such as .git are not listed', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { fsDirectory } = await import('../files/directory.ts');
  const dir = mkdtempSync(join(tmpdir(), 'mc-hidden-'));
  try {
    mkdirSync(join(dir, '.git', 'objects', '00'), { recursive: true });
    writeFileSync(join(dir, '.git', 'objects', '00', '8207b69e5e63'), '');
    writeFileSync(join(dir, '1_a.up.sql'), 'select 1');
    writeFileSync(join(dir, '.editorconfig'), '');
    assert.deepEqual(await fsDirectory(dir).list(), ['.editorconfig', '1_a.up.sql']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
