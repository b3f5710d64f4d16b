import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onlyCreationTime, writesCreationTime } from './creation-time.ts';

const set = (sql: string) => ({
  directory: 'db',
  format: 'golang-migrate',
  ignored: [],
  bookkeeping: '',
  migrations: [
    {
      version: '1',
      name: 'a',
      up: { file: 'db/1_a.up.sql', units: [{ sql, line: 1, column: 1 }], transaction: 'implicit' as const },
      down: null,
    },
  ],
});

test('creation-time: the literals Postgres freezes when it parses the statement', () => {
  for (const sql of [
    "create view v as select 1 where x > 'now'::timestamp",
    "create view v as select 1 where x > timestamp 'now'",
    "create view v as select 1 where x > TIMESTAMP WITH TIME ZONE 'now'",
    "alter table t alter column c set default 'now'",
    "create view v as select 1 where d < 'today'::date",
    "create view v as select 1 where x > cast('now' as timestamptz)",
  ])
    assert.equal(writesCreationTime(set(sql)), true, sql);
  for (const sql of [
    'create view v as select 1 where x > now()',
    "select 'now is the time'",
    "select '2020-01-01'::date",
  ])
    assert.equal(writesCreationTime(set(sql)), false, sql);
});

test('creation-time: a difference only in frozen times, and one that is more', () => {
  const def = (t: string, col = 'id') =>
    `view public.v\n SELECT ${col} FROM posts WHERE (published > ('${t}'::timestamp without time zone - '1 ` +
    `day'::interval));`;
  const a = def('2024-01-01 10:00:00.123456');
  assert.equal(onlyCreationTime({ key: 'view public.v', before: a, after: def('2024-01-01 10:00:01.5') }), true);
  assert.equal(
    onlyCreationTime({ key: 'view public.v', before: a, after: def('2024-01-01 10:00:01', 'title') }),
    false,
  );
  assert.equal(onlyCreationTime({ key: 'view public.v', before: a, after: a }), false);
});
