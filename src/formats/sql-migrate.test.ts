import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { memoryDirectory } from '../files/directory.ts';
import { sqlMigrate } from './sql-migrate.ts';

const file = (up: string, down = 'select 1;') => `-- +migrate Up\n${up}\n-- +migrate Down\n${down}\n`;

formatConformance(sqlMigrate, {
  files: {
    '10_ten.sql': file('create table ten ();'),
    '9-nine.sql': file('create table nine ();'),
    'zz_named.sql': file('create table z ();'),
  },
  order: ['9-nine.sql', '10_ten.sql', 'zz_named.sql'],
});

test('sql-migrate: `notransaction` per section, StatementBegin/End blocks, `-- ` comments dropped', async () => {
  const text = [
    '-- +migrate Up notransaction',
    '-- a comment',
    'create index concurrently i on t (x);',
    '-- +migrate Down',
    '-- +migrate StatementBegin',
    'do $$ begin perform 1; end $$;',
    '-- +migrate StatementEnd',
  ].join('\n');
  const [m] = (await sqlMigrate.load(memoryDirectory('db', { '1_a.sql': text }))).migrations;
  assert.equal(m?.up?.transaction, 'none');
  assert.equal(m?.down?.transaction, 'wrapped');
  assert.deepEqual(m?.up?.units, [{ sql: 'create index concurrently i on t (x);', line: 3, column: 1 }]);
  assert.deepEqual(
    m?.down?.units.map((u) => [u.line, u.sql]),
    [[6, 'do $$ begin perform 1; end $$;']],
  );
});

test('sql-migrate: a file without annotations is refused with a parse-error', async () => {
  const set = await sqlMigrate.load(memoryDirectory('db', { '1_a.sql': 'create table a ();' }));
  assert.equal(set.problems?.[0]?.check, 'parse-error');
  assert.match(set.problems![0]!.message, /no Up\/Down annotations found/);
});
