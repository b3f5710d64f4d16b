import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { memoryDirectory } from '../files/directory.ts';
import { plain } from './plain.ts';

formatConformance(plain, {
  files: {
    '0001-init.sql': 'select 1;',
    '00010-search.sql': 'select 1;',
    '0002-more.sql': 'select 1;',
    '000003.sql': 'select 1;',
  },
  order: ['0001', '0002', '000003', '00010'],
});

test('plain: ups only, each file whole in its own transaction; `ordering: lexical` orders by name', async () => {
  const files = {
    '1-a.sql': 'select 1;',
    '10-b.sql': 'select 1;',
    '2-c.sql': 'select 1;',
    '2-c.down.sql': 'select 1;',
  };
  const set = await plain.load(memoryDirectory('db', files));
  assert.deepEqual(
    set.migrations.map((m) => [m.version, m.up?.transaction, m.down]),
    [
      ['1', 'wrapped', null],
      ['2', 'wrapped', null],
      ['10', 'wrapped', null],
    ],
  );
  assert.deepEqual(
    set.ignored.map((i) => i.file),
    ['2-c.down.sql'],
  );
  const lexical = await plain.load(memoryDirectory('db', files), { ordering: 'lexical' });
  assert.deepEqual(
    lexical.migrations.map((m) => m.version),
    ['1', '10', '2'],
  );
});

test("plain: not claimed when the files carry another tool's markers, or for a drizzle folder", async () => {
  const goose = memoryDirectory('db', { '1_a.sql': '-- +goose Up\nselect 1;' });
  assert.equal(await plain.detect(goose, await goose.list()), false);
  const drizzle = memoryDirectory('db', { '0000_a.sql': 'select 1;', 'meta/_journal.json': '{}' });
  assert.equal(await plain.detect(drizzle, await drizzle.list()), false);
});
