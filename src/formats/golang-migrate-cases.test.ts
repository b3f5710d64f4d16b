import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { golangMigrate } from './golang-migrate.ts';

/**
 * golang-migrate's file names, case by case: `follows` names the upstream test
 * (source/parse_test.go TestParse, source/iofs/iofs_test.go with its testdata) or the code the
 * case follows (source/parse.go Regex and Parse, source/migration.go Append).
 */
type Parsed = { version: string; identifier: string; direction: 'up' | 'down' } | 'skipped';
const PARSE: { follows: string; file: string; is: Parsed }[] = [
  { follows: 'TestParse', file: '1_foobar.up.sql', is: { version: '1', identifier: 'foobar', direction: 'up' } },
  { follows: 'TestParse', file: '1_foobar.down.sql', is: { version: '1', identifier: 'foobar', direction: 'down' } },
  { follows: 'TestParse', file: '1_f-o_ob+ar.up.sql', is: { version: '1', identifier: 'f-o_ob+ar', direction: 'up' } },
  {
    follows: 'TestParse',
    file: '1485385885_foobar.up.sql',
    is: { version: '1485385885', identifier: 'foobar', direction: 'up' },
  },
  {
    follows: 'TestParse',
    file: '20170412214116_date_foobar.up.sql',
    is: { version: '20170412214116', identifier: 'date_foobar', direction: 'up' },
  },
  { follows: 'TestParse', file: '-1_foobar.up.sql', is: 'skipped' },
  { follows: 'TestParse', file: 'foobar.up.sql', is: 'skipped' },
  { follows: 'TestParse', file: '1.up.sql', is: 'skipped' },
  { follows: 'TestParse', file: '1_foobar.sql', is: 'skipped' },
  { follows: 'TestParse', file: '1_foobar.up', is: 'skipped' },
  { follows: 'TestParse', file: '1_foobar.down', is: 'skipped' },
  {
    follows: 'Parse: strconv.ParseUint(m[1], 10, 64), the largest uint64',
    file: '18446744073709551615_max.up.sql',
    is: { version: '18446744073709551615', identifier: 'max', direction: 'up' },
  },
  {
    follows: 'Parse: strconv.ParseUint fails past uint64, the driver skips the file',
    file: '18446744073709551616_over.up.sql',
    is: 'skipped',
  },
  {
    follows: 'Parse: strconv.ParseUint fails past uint64 (timestamp with milliseconds and more)',
    file: '202401011200000000000_x.up.sql',
    is: 'skipped',
  },
  {
    follows: 'Regex: `(.*)` is greedy, the last `.up.`/`.down.` is the direction',
    file: '1_a.up.b.down.sql',
    is: { version: '1', identifier: 'a.up.b', direction: 'down' },
  },
  {
    follows: 'Regex: any extension after the direction',
    file: '1_notes.up.txt',
    is: { version: '1', identifier: 'notes', direction: 'up' },
  },
  {
    follows: 'Regex: the identifier may be empty',
    file: '1_.up.sql',
    is: { version: '1', identifier: '', direction: 'up' },
  },
];

test('golang-migrate upstream cases: file names parse (or are skipped) as source.Parse does', async () => {
  for (const c of PARSE) {
    const set = await golangMigrate.load(memoryDirectory('m', { [c.file]: 'select 1' }));
    const m = set.migrations[0];
    const got: Parsed = m ? { version: m.version, identifier: m.name, direction: m.up ? 'up' : 'down' } : 'skipped';
    assert.deepEqual(got, c.is, `${c.follows}: ${c.file}`);
    if (c.is === 'skipped')
      assert.ok(
        set.ignored.some((i) => i.file === c.file),
        `${c.file} is listed as ignored`,
      );
  }
});

test('golang-migrate: a version past uint64 is skipped with a naming error; the rest still runs', async () => {
  const set = await golangMigrate.load(
    memoryDirectory('m', {
      '1_a.up.sql': 'select 1',
      '18446744073709551616_big.up.sql': 'select 1',
      '18446744073709551616_big.down.sql': 'select 1',
    }),
  );
  assert.deepEqual(
    set.migrations.map((m) => m.version),
    ['1'],
  );
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.severity ?? 'error', p.file]),
    [
      ['naming', 'error', 'm/18446744073709551616_big.down.sql'],
      ['naming', 'error', 'm/18446744073709551616_big.up.sql'],
    ],
  );
  assert.match(
    set.problems![1]!.message,
    /golang-migrate skips it: version 18446744073709551616 does not fit an unsigned 64-bit integer/,
  );
});

test('golang-migrate upstream cases: the iofs testdata folder gives the versions and pairs', async () => {
  const files = [
    '1_foobar.down.sql',
    '1_foobar.up.sql',
    '3_foobar.up.sql',
    '4_foobar.down.sql',
    '4_foobar.up.sql',
    '5_foobar.down.sql',
    '7_foobar.down.sql',
    '7_foobar.up.sql',
  ];
  const set = await golangMigrate.load(memoryDirectory('m', Object.fromEntries(files.map((f) => [f, 'select 1']))));
  const pairs = set.migrations.map((m) => `${m.version}:${m.up ? 'up' : '-'}/${m.down ? 'down' : '-'}`);
  assert.deepEqual(pairs, ['1:up/down', '3:up/-', '4:up/down', '5:-/down', '7:up/down']);
});

test('golang-migrate upstream cases: Migrations.Append rejects a second file per version and direction', async () => {
  const set = await golangMigrate.load(
    memoryDirectory('m', { '1_a.up.sql': 'select 1', '001_b.up.sql': 'select 1', '1_c.down.sql': 'select 1' }),
  );
  assert.deepEqual(
    set.problems?.map((p) => p.check),
    ['duplicate-version'],
  );
  assert.deepEqual(
    set.migrations.map((m) => [m.version, Boolean(m.up), Boolean(m.down)]),
    [['001', true, true]],
  );
});

test('golang-migrate upstream cases: counted', (t) => {
  const cases = PARSE.length + 2;
  t.diagnostic(`golang-migrate: ${cases} upstream-derived cases, ${cases} agree`);
  assert.equal(cases, 19);
});
