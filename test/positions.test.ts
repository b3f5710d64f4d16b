// A file sent as one query (golang-migrate, dbmate, Prisma) fails as a whole; errors Postgres
// reports without a position still point at the statement that failed, or at no line at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULTS, type Config } from '../src/config.ts';
import { memoryDirectory } from '../src/files/directory.ts';
import { run } from '../src/run.ts';
import { sharedServer } from './helpers.ts';

const server = sharedServer();

async function firstError(up: string) {
  const files = {
    '0001_a.up.sql': 'CREATE TABLE a (id int);',
    '0001_a.down.sql': 'DROP TABLE a;',
    '0002_b.up.sql': up,
    '0002_b.down.sql': 'SELECT 1;',
  };
  // The server outlives each run: its disposal here only drops the scratch databases.
  const report = await run({ ...DEFAULTS, paths: ['db'] } as Config, {
    directory: (p) => memoryDirectory(p, files),
    startServer: async () => ({ ...server(), [Symbol.asyncDispose]: async () => {} }),
  });
  return report.findings.find((f) => f.check === 'sql-error');
}

test('positions: "already exists" on line 4 of a one-query file is reported at line 4', async () => {
  const finding = await firstError(
    '-- b first\nCREATE TABLE b (id int);\n\nCREATE TABLE a (id int);\nCREATE TABLE c (id int);',
  );
  assert.equal(finding?.line, 4);
  assert.match(finding!.message, /fails at line 4: relation "a" already exists/);
});

test('positions: an error Postgres locates keeps its line and column', async () => {
  const finding = await firstError('CREATE TABLE b (id int);\nSELECT nope FROM b;');
  assert.equal(finding?.line, 2);
  assert.match(finding!.message, /fails at line 2, column 8: column "nope" does not exist/);
});

test('positions: a file that manages its own transaction is not re-run, and gets no line rather than a wrong one', async () => {
  const finding = await firstError('BEGIN;\nCREATE TABLE b (id int);\nCREATE TABLE a (id int);\nCOMMIT;');
  assert.equal(finding?.line, null);
  assert.match(finding!.message, /up of 0002_b fails: relation "a" already exists/);
  assert.match(finding!.help, /in 0002_b\.up\.sql/);
});

test('positions: locating the statement changes nothing in the database', async () => {
  const files = {
    '0001_a.up.sql': 'CREATE TABLE a (id int);',
    '0001_a.down.sql': 'DROP TABLE a;',
    '0002_b.up.sql': 'CREATE TABLE left_over (id int);\nCREATE TABLE a (id int);',
    '0002_b.down.sql': 'SELECT 1;',
  };
  const report = await run({ ...DEFAULTS, paths: ['db'] } as Config, {
    directory: (p) => memoryDirectory(p, files),
    startServer: async () => ({ ...server(), [Symbol.asyncDispose]: async () => {} }),
  });
  assert.doesNotMatch(report.directories[0]!.schema.head, /left_over/);
});
