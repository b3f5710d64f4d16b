import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareFileNames, numericPrefix, sections } from './node-pg-migrate.ts';

/**
 * node-pg-migrate's SQL migrations, case by case: `follows` names the upstream test
 * (test/sqlMigration.spec.ts, test/utils/comparators.spec.ts, test/utils/fileNameUtils.spec.ts)
 * whose inputs the case replays, against node-pg-migrate v9's getActions and comparators.
 */
const UP = '\n-- Up Migration\nSELECT 1 FROM something\n';
const DOWN = '\n-- Down Migration\nSELECT 2 FROM something\n';
const SOME_UP = '\n -- - up Migration to do Up migration\nSELECT 1 FROM something\n';
const SOME_DOWN = '\n  -- -- -- Down    migration to bring DB down\nSELECT 2 FROM something\n';
const SECTIONS: { follows: string; content: string; up: string; down: string | null }[] = [
  {
    follows: 'getActions: should migrate without comments',
    content: 'SELECT 1 FROM something',
    up: 'SELECT 1 FROM something;',
    down: null,
  },
  { follows: 'getActions: should migrate with up comment', content: UP, up: `${UP};`, down: null },
  {
    follows: 'getActions: should migrate with up and down comments',
    content: `${UP}${DOWN}`,
    up: `${UP};`,
    down: `${DOWN};`,
  },
  {
    follows: 'getActions: should migrate with up and down comments in reverse order',
    content: `${DOWN}${UP}`,
    up: `${UP};`,
    down: `${DOWN};`,
  },
  {
    follows: 'getActions: should migrate with up and down comments with some chars added',
    content: `${SOME_UP}${SOME_DOWN}`,
    up: `${SOME_UP};`,
    down: `${SOME_DOWN};`,
  },
  {
    follows: 'getActions: a down marker without an up marker leaves the whole file to the up',
    content: `SELECT 1;\n${DOWN}`,
    up: `SELECT 1;\n${DOWN};`,
    down: `${DOWN};`,
  },
  {
    follows: 'createMigrationCommentRegex is case-insensitive (`im`)',
    content: '-- UP MIGRATION\nselect 1;\n-- down migration\nselect 2;',
    up: '-- UP MIGRATION\nselect 1;\n;',
    down: '-- down migration\nselect 2;',
  },
];
for (const c of SECTIONS) {
  test(`node-pg-migrate sections: ${c.follows}`, () => {
    const { up, down } = sections(c.content);
    assert.equal(up.sql, c.up);
    assert.equal(down?.sql ?? null, c.down);
  });
}

const ORDER: { follows: string; files: string[]; order: string[] }[] = [
  {
    follows: 'localeCompareStringsNumerically: sorts 062_view before 062_view_test',
    files: ['062_view_test.js', '062_view.js'],
    order: ['062_view.js', '062_view_test.js'],
  },
  {
    follows: 'localeCompareStringsNumerically: sorts numeric substrings in numeric order',
    files: ['10_bar.js', '2_foo.js'],
    order: ['2_foo.js', '10_bar.js'],
  },
  {
    follows: 'compareFileNamesByTimestamp: returns 0 when the numeric prefixes match (then the name decides)',
    files: ['1_b.js', '0001_a.js'],
    order: ['0001_a.js', '1_b.js'],
  },
  {
    follows: 'getNumericPrefix: a 17-digit prefix is a UTC time, ordered with millisecond timestamps',
    files: ['1710000000000_later.sql', '20240101000000000_earlier.sql'],
    order: ['20240101000000000_earlier.sql', '1710000000000_later.sql'],
  },
];
for (const c of ORDER) {
  test(`node-pg-migrate order: ${c.follows}`, () => {
    assert.deepEqual(c.files.toSorted(compareFileNames), c.order);
  });
}

test('node-pg-migrate getNumericPrefix (fileNameUtils.spec.ts): index, timestamp and UTC forms', () => {
  assert.equal(numericPrefix('1_a.js'), 1);
  assert.equal(numericPrefix('1414549381268_names.js'), 1414549381268);
  assert.equal(numericPrefix('20200513070724505_x.js'), Date.UTC(2020, 4, 13, 7, 7, 24, 505));
  assert.equal(numericPrefix('invalid-prefix.js'), null);
});
