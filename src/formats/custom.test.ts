import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { custom } from './custom.ts';
import { memoryDirectory } from '../files/directory.ts';
import type { CustomSettings } from './format.ts';

const settings: CustomSettings = {
  pattern: '^(?<version>\\d+)-(?<name>[a-z-]+)\\.(?<direction>do|undo)\\.sql$',
  ordering: 'numeric',
  transaction: 'wrapped',
  split: 'statements',
  bookkeeping: '',
};

formatConformance(custom, {
  files: { '10-ten.do.sql': 'select 1;', '10-ten.undo.sql': 'select 1;', '9-nine.do.sql': 'select 1;' },
  order: ['9', '10'],
  options: { custom: settings },
  detected: false,
});

test(
  'custom: the pattern names version, name and direction; ' +
    'ordering, transaction and splitting come from the config',
  async () => {
    const set = await custom.load(
      memoryDirectory('db', {
        '2-b.do.sql': 'select 1; select 2;',
        '2-b.undo.sql': 'select 3;',
        '10-c.do.sql': 'select 4;',
      }),
      { custom: { ...settings, ordering: 'lexical', transaction: 'none' } },
    );
    assert.deepEqual(
      set.migrations.map((m) => [m.version, m.up?.units.length, m.up?.transaction, Boolean(m.down)]),
      [
        ['10', 1, 'none', false],
        ['2', 2, 'none', true],
      ],
    );
  },
);

test('custom: a pattern without the named groups is refused with an example', async () => {
  await assert.rejects(
    custom.load(memoryDirectory('db', {}), { custom: { ...settings, pattern: '^(\\d+)_(.*)\\.sql$' } }),
    /no named group `version`/,
  );
  await assert.rejects(custom.load(memoryDirectory('db', {})), /needs a `custom` section/);
});

test(
  'custom: `ignore`, `prefer` with a `variant` group, and ' +
    'no-transaction by name or first line (ory popx, postgrator)',
  async () => {
    const popx: CustomSettings = {
      ...settings,
      pattern:
        '^(?<version>\\d+)_(?<name>[a-z]+)(?:\\.(?<variant>postgres|mysql))?' +
        '(?:\\.autocommit)?\\.(?<direction>up|down)\\.sql$',
      prefer: ['postgres', ''],
      ignore: ['^README'],
      noTransactionName: '\\.autocommit\\.',
      noTransactionFirstLine: '-- no-transaction',
      transaction: 'wrapped',
    };
    const set = await custom.load(
      memoryDirectory('db', {
        'README.md': 'x',
        '1_a.postgres.up.sql': 'select 1;',
        '1_a.up.sql': 'select 2;',
        '1_a.mysql.up.sql': 'select 3;',
        '2_b.up.sql': 'select 4;',
        '3_c.postgres.autocommit.up.sql': 'create index concurrently x on t (a);',
        '4_d.up.sql': '-- no-transaction\nvacuum;',
      }),
      { custom: popx },
    );
    assert.deepEqual(
      set.migrations.map((m) => [m.version, m.up?.file, m.up?.transaction]),
      [
        ['1', 'db/1_a.postgres.up.sql', 'wrapped'],
        ['2', 'db/2_b.up.sql', 'wrapped'],
        ['3', 'db/3_c.postgres.autocommit.up.sql', 'none'],
        ['4', 'db/4_d.up.sql', 'none'],
      ],
    );
    assert.deepEqual(
      set.ignored.map((i) => [i.file, i.reason]),
      [
        ['1_a.mysql.up.sql', 'a file for `mysql`, which `custom.prefer` does not list'],
        ['README.md', 'it matches `custom.ignore`'],
        ['1_a.up.sql', '1_a.postgres.up.sql is preferred for this version (`custom.prefer`)'],
      ],
    );
    assert.deepEqual(set.problems, []);
  },
);
