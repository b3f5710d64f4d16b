import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import {
  compareFingerprints,
  countChanges,
  fingerprintColumns,
  releaseFingerprints,
  type DataLoss,
} from './fingerprint.ts';
import { seedTables } from './seed-tables.ts';
import { sharedServer } from '../../test/helpers.ts';

const server = sharedServer();

const SCHEMA = `
  CREATE TABLE users (id int PRIMARY KEY, email text, nick varchar(20), score int NOT NULL);
  CREATE TABLE log (at timestamptz, line text);`;
const TABLES = ['public.users', 'public.log'];

/** Seeds the schema, fingerprints it, runs `change` (an up and its down), and says what the down lost. */
async function lossesAfter(
  change: string | string[],
  schema = SCHEMA,
  tables = TABLES,
): Promise<{ losses: DataLoss[]; counted: DataLoss[]; rows: number }> {
  const db = await server().createDatabase('fingerprint-test');
  const client: pg.Client = await db.connect();
  try {
    await client.query(schema);
    await seedTables(client, { rows: 700 });
    const beforeFp = await fingerprintColumns(client, tables, { keepRowHashes: true });
    for (const sql of [change].flat()) await client.query(sql);
    const afterFp = await fingerprintColumns(client, tables);
    const losses = compareFingerprints(beforeFp, afterFp);
    const counted = await countChanges(client, beforeFp, losses);
    await releaseFingerprints(client, beforeFp);
    return { losses, counted, rows: beforeFp.get('public.users')!.rows };
  } finally {
    await client.end();
    await db[Symbol.asyncDispose]();
  }
}

test('a down that re-adds a dropped column empty loses every value it held', async () => {
  // up: DROP COLUMN email; down: ADD COLUMN email text.
  const { losses, counted } = await lossesAfter(
    'ALTER TABLE users DROP COLUMN email; ALTER TABLE users ADD COLUMN email text',
  );
  assert.equal(losses.length, 1);
  assert.equal(losses[0]!.kind, 'lost');
  assert.equal(losses[0]!.column, 'email');
  assert.equal(counted.length, 1);
  assert.equal(counted[0]!.exact, true);
  // 700 rows, every 7th NULL already: 600 values lost.
  assert.deepEqual(counted, [{ table: 'public.users', column: 'email', lost: 600, kind: 'lost', exact: true }]);
});

test('a down that puts the values back loses nothing', async () => {
  // up: move email to a new table; down: re-add the column and copy the values back.
  const { losses } = await lossesAfter(`
    CREATE TABLE emails AS SELECT id, email FROM users; ALTER TABLE users DROP COLUMN email;
    ALTER TABLE users ADD COLUMN email text;
    UPDATE users u SET email = e.email FROM emails e WHERE e.id = u.id; DROP TABLE emails`);
  assert.deepEqual(losses, []);
});

test('a rewrite keeps the fingerprint: int → bigint → int, and VACUUM FULL', async () => {
  const { losses } = await lossesAfter([
    'ALTER TABLE users ALTER COLUMN score TYPE bigint; ALTER TABLE users ALTER COLUMN score TYPE int',
    'VACUUM FULL log',
  ]);
  assert.deepEqual(losses, []);
});

test('a down that truncates or shuffles values is counted value by value, by primary key', async () => {
  const { counted } = await lossesAfter(`
    ALTER TABLE users ALTER COLUMN nick TYPE varchar(5) USING left(nick, 5);
    UPDATE users SET score = 123456789 WHERE id % 10 = 0;
    UPDATE log SET line = upper(line) WHERE line ~ '[a-z]'`);
  const byColumn = new Map(counted.map((l) => [`${l.table}.${l.column}`, l]));
  assert.equal(byColumn.get('public.users.score')?.lost, 70);
  assert.equal(byColumn.get('public.users.score')?.kind, 'changed');
  assert.ok((byColumn.get('public.users.nick')?.lost ?? 0) > 0);
  // The log has no key: its changes are counted as a multiset difference.
  assert.ok((byColumn.get('public.log.line')?.lost ?? 0) > 0);
  assert.ok(counted.every((l) => l.exact));
});

test('values moved between rows change the keyed hash, though the column holds the same multiset', async () => {
  const { counted } = await lossesAfter('UPDATE users u SET email = v.email FROM users v WHERE v.id = u.id % 700 + 1');
  assert.equal(counted.length, 1);
  assert.equal(counted[0]!.column, 'email');
  assert.equal(counted[0]!.kind, 'changed');
  assert.ok(counted[0]!.lost > 500);
});

test('rows removed, and a table gone, are reported as rows-removed', async () => {
  const { counted } = await lossesAfter('DELETE FROM users WHERE id <= 10; DROP TABLE log');
  assert.deepEqual(
    counted.filter((l) => l.kind === 'rows-removed'),
    [
      { table: 'public.users', column: null, lost: 10, kind: 'rows-removed', exact: true },
      { table: 'public.log', column: null, lost: 700, kind: 'rows-removed', exact: true },
    ].sort((a, b) => (a.table < b.table ? -1 : 1)),
  );
  // The surviving rows of users kept their values.
  assert.deepEqual(
    counted.filter((l) => l.kind !== 'rows-removed'),
    [],
  );
});
