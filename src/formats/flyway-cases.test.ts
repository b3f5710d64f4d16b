import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { flyway } from './flyway.ts';

/**
 * Flyway's file names and versions, case by case as Flyway's own tests and sources state them.
 * `follows` names the upstream test (MigrationVersionSmallTest is Flyway's test of
 * MigrationVersion; the ResourceNameParser and Scanner cases follow those classes' code, which
 * Flyway's public repository ships without tests).
 */
type Order = '<' | '=' | '>';
const ORDER: { follows: string; a: string; b: string; order: Order }[] = [
  { follows: 'MigrationVersionSmallTest.compareTo', a: '1', b: '1.0', order: '=' },
  { follows: 'MigrationVersionSmallTest.compareTo', a: '1', b: '1.1', order: '<' },
  { follows: 'MigrationVersionSmallTest.compareTo', a: '1.1', b: '1.1.0.0', order: '=' },
  { follows: 'MigrationVersionSmallTest.compareTo', a: '1.1', b: '1.1.0.1', order: '<' },
  { follows: 'MigrationVersionSmallTest.compareTo', a: '1.1.0.1', b: '2', order: '<' },
  { follows: 'MigrationVersionSmallTest.compareTo', a: '201004171859', b: '201004180000', order: '<' },
  { follows: 'MigrationVersionSmallTest.testEquals', a: '1.2.3.3', b: '1.2.3.3', order: '=' },
  { follows: 'MigrationVersionSmallTest.testNumber', a: '1.2.13.3', b: '1.2.3.3', order: '>' },
  { follows: 'MigrationVersionSmallTest.testLength1', a: '1.2.1.3', b: '1.2.1', order: '>' },
  { follows: 'MigrationVersionSmallTest.testLength2', a: '1.2.1', b: '1.2.1.1', order: '<' },
  { follows: 'MigrationVersionSmallTest.leadingZeroes', a: '1.0', b: '001.0', order: '=' },
  { follows: 'MigrationVersionSmallTest.trailingZeroes', a: '1.00', b: '1', order: '=' },
  { follows: 'MigrationVersionSmallTest.zeros', a: '0.0', b: '0', order: '=' },
  { follows: 'MigrationVersion: `_` reads as `.`', a: '1_10', b: '1.9', order: '>' },
  {
    follows: 'MigrationVersionSmallTest.testWouldOverflowLong',
    a: '9999999999999999999999999999999999.8888888231231231231231298797298789132.22',
    b: '9999999999999999999999999999999999.8888888231231231231231298797298789132.3',
    order: '>',
  },
];

const INVALID_VERSIONS: { follows: string; version: string }[] = [
  { follows: 'MigrationVersionSmallTest.doubleDot', version: '1..1' },
  { follows: 'MigrationVersionSmallTest.dot', version: '.' },
  { follows: 'MigrationVersionSmallTest.startDot', version: '.1' },
  { follows: 'MigrationVersionSmallTest.endDot', version: '1.' },
  { follows: 'MigrationVersionSmallTest.letters', version: 'abc1.0' },
  { follows: 'MigrationVersionSmallTest.dash', version: '1.2.1-3' },
  { follows: 'MigrationVersionSmallTest.alphaNumeric', version: '1.2.1a-3' },
];

/** File name → what Flyway makes of it: [kind, version, description], or why it is skipped. */
const NAMES: { follows: string; file: string; is: [string, string, string] | RegExp }[] = [
  {
    follows: 'ResourceNameParser: prefix, version, `__`, description',
    file: 'V1_1__add_index.sql',
    is: ['up', '1_1', 'add_index'],
  },
  { follows: 'ResourceNameParser: an empty description is valid', file: 'V1__.sql', is: ['up', '1', ''] },
  { follows: 'ResourceNameParser: no separator, the rest is the version', file: 'V2.sql', is: ['up', '2', ''] },
  { follows: 'ResourceNameParser: the version ends at the first `__`', file: 'V3__a__b.sql', is: ['up', '3', 'a__b'] },
  {
    follows: 'ResourceNameParser.stripSuffix: the suffix in any case',
    file: 'V4__upper.SQL',
    is: ['up', '4', 'upper'],
  },
  {
    follows: 'Scanner (StringUtils.startsAndEndsWith): the suffix in any case',
    file: 'V5__mixed.Sql',
    is: ['up', '5', 'mixed'],
  },
  { follows: 'ResourceNameParser: undo prefix', file: 'U4__upper.sql', is: ['down', '4', 'upper'] },
  { follows: 'ResourceNameParser: repeatable', file: 'R__views.sql', is: ['repeatable', 'R', 'views'] },
  { follows: 'ResourceNameParser: repeatable with an empty description', file: 'R__.sql', is: ['repeatable', 'R', ''] },
  { follows: 'ResourceNameParser: the prefix is case-sensitive', file: 'v6__lower.sql', is: /only runs files named/ },
  {
    follows: 'ResourceNameParser: a repeatable cannot have a version',
    file: 'R1__x.sql',
    is: /a repeatable migration has no version/,
  },
  {
    follows: 'ResourceNameParser: a versioned migration needs a version',
    file: 'V__x.sql',
    is: /Flyway needs a version/,
  },
  { follows: 'Scanner: the name must be longer than prefix and suffix', file: 'V.sql', is: /Flyway needs a version/ },
  { follows: 'ResourceNameParser: only the configured suffix', file: 'V7__notes.txt', is: /only runs `\.sql` files/ },
];

const versions = (files: Record<string, string>) => flyway.load(memoryDirectory('db', files));

test('flyway upstream cases: versions order and collide as MigrationVersion compares them', async () => {
  for (const c of ORDER) {
    const set = await versions({ [`V${c.a}__a.sql`]: 'select 1;', [`V${c.b}__b.sql`]: 'select 1;' });
    const got: Order = set.problems?.some((p) => p.check === 'duplicate-version')
      ? '='
      : set.migrations[0]!.name === 'a'
        ? '<'
        : '>';
    assert.equal(got, c.order, `${c.follows}: ${c.a} ${c.order} ${c.b}`);
  }
});

test('flyway upstream cases: a version Flyway cannot read makes it skip the file, and says so', async () => {
  for (const c of INVALID_VERSIONS) {
    const file = `V${c.version}__x.sql`;
    const set = await versions({ [file]: 'select 1;' });
    assert.deepEqual(set.migrations, [], c.follows);
    assert.match(
      set.ignored.find((i) => i.file === file)?.reason ?? '',
      /Flyway skips it: Flyway cannot read the version/,
      c.follows,
    );
  }
});

test('flyway upstream cases: file names are read as ResourceNameParser reads them', async () => {
  for (const c of NAMES) {
    const set = await versions({ [c.file]: 'select 1;' });
    const m = set.migrations[0];
    if (c.is instanceof RegExp) {
      assert.equal(m, undefined, `${c.follows}: ${c.file} must be skipped`);
      assert.match(set.ignored.find((i) => i.file === c.file)?.reason ?? '', c.is, c.follows);
    } else {
      const kind = m?.repeatable ? 'repeatable' : m?.up ? 'up' : m?.down ? 'down' : 'none';
      assert.deepEqual([kind, m?.version, m?.name], c.is, `${c.follows}: ${c.file}`);
    }
  }
});

test('flyway: a `.sql` name Flyway skips is a naming error; `V1__.sql` and `.SQL` are detected as Flyway', async () => {
  const set = await versions({ 'V1.2a__x.sql': 'select 1;', 'V1__.sql': 'select 1;' });
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.severity ?? 'error', p.file]),
    [['naming', 'error', 'db/V1.2a__x.sql']],
  );
  for (const files of [{ 'V1__.sql': '' }, { 'V1__init.SQL': '' }] as Record<string, string>[]) {
    const dir = memoryDirectory('db', files);
    assert.equal(await flyway.detect(dir, await dir.list()), true);
  }
});

test('flyway upstream cases: counted', (t) => {
  const cases = ORDER.length + INVALID_VERSIONS.length + NAMES.length;
  t.diagnostic(`flyway names and versions: ${cases} upstream-derived cases, ${cases} agree`);
  assert.equal(cases, 36);
});
