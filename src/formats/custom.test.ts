import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { custom } from './custom.ts';
import { memoryDirectory } from './directory.ts';
import type { CustomSettings } from './format.ts';

const settings: CustomSettings = { pattern: '^(?<version>\\d+)-(?<name>[a-z-]+)\\.(?<direction>do|undo)\\.sql$', ordering: 'numeric', transaction: 'wrapped', split: 'statements', bookkeeping: '' };

formatConformance(custom, {
  files: { '10-ten.do.sql': 'select 1;', '10-ten.undo.sql': 'select 1;', '9-nine.do.sql': 'select 1;' },
  order: ['9', '10'],
  options: { custom: settings },
  detected: false,
});

test('custom: the pattern names version, name and direction; ordering, transaction and splitting come from the config', async () => {
  const set = await custom.load(memoryDirectory('db', { '2-b.do.sql': 'select 1; select 2;', '2-b.undo.sql': 'select 3;', '10-c.do.sql': 'select 4;' }), { custom: { ...settings, ordering: 'lexical', transaction: 'none' } });
  assert.deepEqual(set.migrations.map((m) => [m.version, m.up?.units.length, m.up?.transaction, Boolean(m.down)]), [['10', 1, 'none', false], ['2', 2, 'none', true]]);
});

test('custom: a pattern without the named groups is refused with an example', async () => {
  await assert.rejects(custom.load(memoryDirectory('db', {}), { custom: { ...settings, pattern: '^(\\d+)_(.*)\\.sql$' } }), /no named group `version`/);
  await assert.rejects(custom.load(memoryDirectory('db', {})), /needs a `custom` section/);
});
