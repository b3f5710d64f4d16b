import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { memoryDirectory } from '../files/directory.ts';
import { goose } from './goose.ts';
import { startEmbedded } from '../database/embedded.ts';
import { replay } from '../replay.ts';
import { prepareInspector } from '../schema/snapshot.ts';

const file = (up: string, down = 'select 1;') => `-- +goose Up\n${up}\n\n-- +goose Down\n${down}\n`;

formatConformance(goose, {
  files: {
    '10_ten.sql': file('create table ten ();'),
    '9_nine.sql': file('create table nine ();'),
    '20240101120000_ts.sql': file('create table ts ();'),
  },
  order: ['9', '10', '20240101120000'],
});

test(
  'goose: splits a section at lines ending in `;`, ' + 'keeps StatementBegin blocks whole, with their lines',
  async () => {
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
    assert.deepEqual(
      m?.up?.units.map((u) => [u.line, u.sql]),
      [
        [3, 'create table a (\n  x int -- the comment; ends with a semicolon but inside a comment\n);'],
        [7, 'create function f() returns int language plpgsql as $$\nbegin return 1; end; $$;'],
      ],
    );
    assert.deepEqual(
      m?.down?.units.map((u) => u.sql),
      ['drop function f(); drop table a;'],
    );
    assert.equal(m?.up?.transaction, 'wrapped');
    assert.match(set.bookkeeping, /goose_db_version/);
  },
);

test('goose: NO TRANSACTION runs both sections statement by statement without a transaction', async () => {
  const set = await goose.load(
    memoryDirectory('db', { '1_a.sql': `-- +goose NO TRANSACTION\n${file('create index concurrently i on t (x);')}` }),
  );
  assert.equal(set.migrations[0]?.up?.transaction, 'none');
  assert.equal(set.migrations[0]?.down?.transaction, 'none');
});

test('goose: Go migrations are kept in order but not run, and said so; badly named .sql files stop goose', async () => {
  const set = await goose.load(
    memoryDirectory('db', {
      '1_a.sql': file('select 1;'),
      '2_backfill.go': 'package m',
      'helpers.go': 'package m',
      '2_backfill_test.go': '',
      'add-index.sql': file('select 1;'),
    }),
  );
  assert.deepEqual(
    set.migrations.map((m) => [m.version, m.code ?? null]),
    [
      ['1', null],
      ['2', 'db/2_backfill.go'],
    ],
  );
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.file]),
    [
      ['partial-replay', 'db/2_backfill.go'],
      ['naming', 'db/add-index.sql'],
    ],
  );
});

test('goose: a file goose would refuse is a parse-error with its line, and the rest still loads', async () => {
  const set = await goose.load(
    memoryDirectory('db', { '1_a.sql': 'create table a ();\n', '2_b.sql': file('create table b ()') }),
  );
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.line]),
    [
      ['parse-error', 1],
      ['parse-error', 2],
    ],
  );
  assert.match(
    set.problems![0]!.message,
    /failed to parse migration: unexpected state 0 on line "create table a \(\);"/,
  );
  assert.match(
    set.problems![1]!.message,
    /unexpected unfinished SQL query: "create table b \(\)": missing semicolon\?/,
  );
});

test('goose: a file without `-- +goose Down` has no down, so none is replayed; an empty Down is empty', async () => {
  const files = {
    '1_users.sql': file('create table users (id int);', 'drop table users;'),
    '2_nickname.sql': '-- +goose Up\nalter table users add column nickname text;\n',
    '3_empty.sql': '-- +goose Up\nselect 1;\n-- +goose Down\n',
  };
  const set = await goose.load(memoryDirectory('db', files));
  const downs = set.migrations.map((m) => [m.version, m.down && m.down.units.length]);
  assert.deepEqual(downs, [
    ['1', 1],
    ['2', null],
    ['3', 0],
  ]);
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

test('goose: ENVSUB takes `${NAME}` from the placeholders, never from the environment, names the unset', async () => {
  process.env.GOOSE_TEST_OWNER = 'from-the-environment';
  const text =
    '-- +goose Up\n-- +goose ENVSUB ON\ncreate table ${PREFIX}t (x int);\n' +
    'grant select on ${PREFIX}t to ${GOOSE_TEST_OWNER};\n' +
    "-- +goose ENVSUB OFF\ncomment on table ${PREFIX}t is '${PREFIX}';\n-- +goose Down\ndrop table ${PREFIX}t;\n";
  const set = await goose.load(memoryDirectory('db', { '1_a.sql': text }), { placeholders: { '${PREFIX}': 'app_' } });
  assert.deepEqual(
    set.migrations[0]?.up?.units.map((u) => u.sql),
    ['create table app_t (x int);', 'grant select on app_t to ;', "comment on table ${PREFIX}t is '${PREFIX}';"],
  );
  assert.deepEqual(
    set.migrations[0]?.down?.units.map((u) => u.sql),
    ['drop table ${PREFIX}t;'],
  );
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.line]),
    [['partial-replay', 4]],
  );
  assert.match(
    set.problems![0]!.message,
    /uses `\$GOOSE_TEST_OWNER` under `-- \+goose ENVSUB ON`, and `placeholders` sets no `\$\{GOOSE_TEST_OWNER\}`/,
  );
  delete process.env.GOOSE_TEST_OWNER;
});

test('goose: a file whose down part alone is refused is applied; only its rollback is a parse-error', async () => {
  const text = '-- +goose Up\ncreate table a (x int);\n-- +goose Down\ndrop table a\n';
  const set = await goose.load(memoryDirectory('db', { '1_a.sql': text }));
  const [m] = set.migrations;
  assert.deepEqual([m?.up?.units.map((u) => u.sql), m?.down], [['create table a (x int);'], null]);
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.line]),
    [['parse-error', 4]],
  );
  assert.match(
    set.problems![0]!.message,
    /goose would refuse to roll back 1_a.sql: .*"drop table a": missing semicolon\?.*`goose up` applies it/,
  );
});

test('goose: `-- +goose Down -- rollback` is refused by goose: a parse-error, not an up with a comment', async () => {
  const text = '-- +goose Up\ncreate table a (x int);\n-- +goose Down -- rollback\ndrop table a;\n';
  const set = await goose.load(memoryDirectory('db', { '1_a.sql': text }));
  assert.deepEqual([set.migrations[0]?.up, set.problems?.map((p) => [p.check, p.line])], [null, [['parse-error', 3]]]);
  assert.match(set.problems![0]!.message, /"Down  rollback" not supported: invalid annotation/);
});
