import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { memoryDirectory } from './directory.ts';
import { goose } from './goose.ts';
import { startEmbedded } from '../database/embedded.ts';
import { replay } from '../replay.ts';
import { prepareInspector } from '../schema/snapshot.ts';

const file = (up: string, down = 'select 1;') => `-- +goose Up\n${up}\n\n-- +goose Down\n${down}\n`;

formatConformance(goose, {
  files: { '10_ten.sql': file('create table ten ();'), '9_nine.sql': file('create table nine ();'), '20240101120000_ts.sql': file('create table ts ();') },
  order: ['9', '10', '20240101120000'],
});

test('goose: splits a section at lines ending in `;`, keeps StatementBegin blocks whole, with their lines', async () => {
  const text = [
    '-- +goose Up',
    '-- a comment before the statement is dropped',
    'create table a (',
    '  x int -- the comment; ends with a semicolon but inside a comment',
    ');',
    '-- +goose StatementBegin',
    'create function f() returns int language plpgsql as $$',
    'begin return 1; end; $$;',
    '-- +goose StatementEnd',
    '-- +goose Down',
    'drop function f(); drop table a;',
  ].join('\n');
  const set = await goose.load(memoryDirectory('db', { '1_a.sql': text }));
  const [m] = set.migrations;
  assert.deepEqual(m?.up?.units.map((u) => [u.line, u.sql]), [
    [3, 'create table a (\n  x int -- the comment; ends with a semicolon but inside a comment\n);'],
    [7, 'create function f() returns int language plpgsql as $$\nbegin return 1; end; $$;'],
  ]);
  assert.deepEqual(m?.down?.units.map((u) => u.sql), ['drop function f(); drop table a;']);
  assert.equal(m?.up?.transaction, 'wrapped');
  assert.match(set.bookkeeping, /goose_db_version/);
});

test('goose: NO TRANSACTION runs both sections statement by statement without a transaction', async () => {
  const set = await goose.load(memoryDirectory('db', { '1_a.sql': `-- +goose NO TRANSACTION\n${file('create index concurrently i on t (x);')}` }));
  assert.equal(set.migrations[0]?.up?.transaction, 'none');
  assert.equal(set.migrations[0]?.down?.transaction, 'none');
});

test('goose: Go migrations are kept in order but not run, and said so; badly named .sql files stop goose', async () => {
  const set = await goose.load(
    memoryDirectory('db', { '1_a.sql': file('select 1;'), '2_backfill.go': 'package m', 'helpers.go': 'package m', '2_backfill_test.go': '', 'add-index.sql': file('select 1;') }),
  );
  assert.deepEqual(set.migrations.map((m) => [m.version, m.code ?? null]), [['1', null], ['2', 'db/2_backfill.go']]);
  assert.deepEqual(set.problems?.map((p) => [p.check, p.file]), [['partial-replay', 'db/2_backfill.go'], ['naming', 'db/add-index.sql']]);
});

test('goose: a file goose would refuse is a parse-error with its line, and the rest still loads', async () => {
  const set = await goose.load(memoryDirectory('db', { '1_a.sql': 'create table a ();\n', '2_b.sql': file('create table b ()') }));
  assert.deepEqual(set.problems?.map((p) => [p.check, p.line]), [['parse-error', 1], ['parse-error', 2]]);
  assert.match(set.problems![0]!.message, /it must start with `-- \+goose Up`/);
  assert.match(set.problems![1]!.message, /a statement is unfinished before `-- \+goose Down`/);
});

test('goose: a file without `-- +goose Down` has no down, so none is replayed; an empty Down is empty', async () => {
  const files = {
    '1_users.sql': file('create table users (id int);', 'drop table users;'),
    '2_nickname.sql': '-- +goose Up\nalter table users add column nickname text;\n',
    '3_empty.sql': '-- +goose Up\nselect 1;\n-- +goose Down\n',
  };
  const set = await goose.load(memoryDirectory('db', files));
  const downs = set.migrations.map((m) => [m.version, m.down && m.down.units.length]);
  assert.deepEqual(downs, [['1', 1], ['2', null], ['3', 0]]);
  const server = await startEmbedded();
  try {
    await using db = await server.createDatabase('goose-no-down');
    const migrate = await db.connect();
    const inspect = await db.connect();
    await prepareInspector(inspect);
    try {
      const result = await replay({ migrate, inspect }, { set, roundtrip: 'per-migration' });
      const steps = result.steps.map((s) => `${s.version} ${s.direction}${s.attempt} ${s.status}`);
      assert.deepEqual(steps, ['1 up1 ok', '1 down1 ok', '1 up2 ok', '2 up1 ok', '3 up1 ok', '3 down1 ok', '3 up2 ok']);
      assert.deepEqual(result.mismatches, []);
    } finally {
      await migrate.end();
      await inspect.end();
    }
  } finally {
    await server[Symbol.asyncDispose]();
  }
});
