import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatConformance } from './conformance.ts';
import { detectFormat } from './index.ts';
import { nodePgMigrate } from './node-pg-migrate.ts';

const file = (n: string) => `-- Up Migration\nCREATE TABLE t${n} ();\n-- Down Migration\nDROP TABLE t${n};\n`;

formatConformance(nodePgMigrate, {
  files: {
    '10_b.sql': file('b'),
    '2_a.sql': file('a'),
    '1700000000000_c.sql': file('c'),
  },
  order: ['2', '10', '1700000000000'],
});

test('node-pg-migrate: not taken for plain numbered files, nor plain for its files', async () => {
  assert.equal((await detectFormat(memoryDirectory('db', { '1_a.sql': file('a') }))).id, 'node-pg-migrate');
  const plain = memoryDirectory('db', { '1_a.sql': 'CREATE TABLE a ();' });
  assert.equal((await detectFormat(plain)).id, 'plain');
});

test('node-pg-migrate: each section is one query in a transaction, and the deploy is one transaction', async () => {
  const set = await nodePgMigrate.load(memoryDirectory('db', { '1_a.sql': file('a') }));
  assert.deepEqual(
    set.migrations.map((m) => [m.name, m.up?.transaction, m.up?.units.length, m.down?.units[0]?.line]),
    [['a', 'wrapped', 1, 3]],
  );
  assert.equal(set.pendingTogether, true);
  assert.match(set.bookkeeping, /"public"\."pgmigrations" \(id SERIAL PRIMARY KEY, name varchar\(255\) NOT NULL/);
});

test('node-pg-migrate: JavaScript migrations are code; a README stops the runner', async () => {
  const set = await nodePgMigrate.load(
    memoryDirectory('db', { '1_a.sql': file('a'), '2_b.js': 'exports.up = () => {};', 'README.md': '# x' }),
  );
  assert.equal(set.migrations[1]!.code, 'db/2_b.js');
  assert.match(set.problems![0]!.message, /Cannot determine numeric prefix for \\"README.md\\"/);
});
