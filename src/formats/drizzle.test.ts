import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { memoryDirectory } from '../files/directory.ts';
import { drizzle } from './drizzle.ts';

const journal = (...tags: string[]) =>
  JSON.stringify({
    version: '7',
    dialect: 'postgresql',
    entries: tags.map((tag, idx) => ({ idx, when: idx, tag, breakpoints: true })),
  });

formatConformance(drizzle, {
  // The journal decides: 0001 runs before 0000 here.
  files: {
    '0000_a.sql': 'select 1;',
    '0001_b.sql': 'select 2;',
    'meta/_journal.json': journal('0001_b', '0000_a'),
    'meta/0000_snapshot.json': '{}',
  },
  order: ['0001', '0000'],
});

test('drizzle: split at statement breakpoints, each chunk with the line it starts on, in one transaction', async () => {
  const sql =
    'create table a (x int);\n--> statement-breakpoint\ncreate index i on a (x);--> statement-breakpoint\n\nselect 1;';
  const set = await drizzle.load(memoryDirectory('d', { '0000_a.sql': sql, 'meta/_journal.json': journal('0000_a') }));
  const up = set.migrations[0]?.up;
  assert.equal(up?.transaction, 'wrapped');
  assert.deepEqual(
    up?.units.map((u) => [u.line, u.column, u.sql.trim()]),
    [
      [1, 1, 'create table a (x int);'],
      [3, 1, 'create index i on a (x);'],
      [5, 1, 'select 1;'],
    ],
  );
});

test(
  'drizzle: a .sql file missing from the journal is a naming ' +
    'error; a journal entry without its file is a parse-error',
  async () => {
    const set = await drizzle.load(
      memoryDirectory('d', {
        '0000_a.sql': '',
        '0001_lost.sql': '',
        'meta/_journal.json': journal('0000_a', '0002_gone'),
      }),
    );
    assert.deepEqual(
      set.problems?.map((p) => [p.check, p.file]),
      [
        ['parse-error', 'd/meta/_journal.json'],
        ['naming', 'd/0001_lost.sql'],
      ],
    );
  },
);

test('drizzle: a broken journal is refused with the file and how to fix it', async () => {
  await assert.rejects(
    drizzle.load(memoryDirectory('d', { 'meta/_journal.json': '{ <<<<<<< HEAD' })),
    /d\/meta\/_journal\.json is not valid JSON .*merge conflict/,
  );
});
