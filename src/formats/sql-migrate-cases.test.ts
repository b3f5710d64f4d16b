import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endsWithSemicolon } from './annotated.ts';
import { memoryDirectory } from '../files/directory.ts';
import { compareSqlMigrate, sqlMigrate } from './sql-migrate.ts';
import { parseSqlMigrate } from './sql-migrate-parse.ts';

// Cases that follow sql-migrate's own tests (github.com/rubenv/sql-migrate sqlparse/sqlparse_test.go,
// sort_test.go, migrate_test.go and its test-migrations/ folder) and the rules of
// sqlparse.ParseMigration and migrate.go that no upstream test pins down. Each names the upstream
// behaviour it holds.

const ok = (text: string) => {
  const parsed = parseSqlMigrate(text);
  assert.equal(parsed.error, undefined, parsed.error?.message);
  return parsed;
};
const refused = (text: string) => parseSqlMigrate(text).error;

const semicolons: [string, boolean][] = [
  ['END;', true],
  ['END; -- comment', true],
  ['END   ; -- comment', true],
  ['END -- comment', false],
  ['END -- comment ;', false],
  ['END " ; " -- comment', false],
];
for (const [line, expected] of semicolons) {
  test(`sql-migrate sqlparse_test.go TestSemicolons ${JSON.stringify(line)}`, () =>
    assert.equal(endsWithSemicolon(line), expected));
}

const FUNCTXT =
  `-- +migrate Up
CREATE TABLE IF NOT EXISTS histories (
  id                BIGSERIAL  PRIMARY KEY,
  created_at      timestamp with time zone  NOT NULL
);

-- +migrate StatementBegin
CREATE OR REPLACE FUNCTION histories_partition_creation( DATE, DATE )
returns void AS $$
DECLARE
  create_query text;
BEGIN
  FOR create_query IN SELECT 'CREATE TABLE IF NOT EXISTS histories_' || TO_CHAR( d, 'YYYY_MM' ) ` +
  `|| ' ( ) inherits ( histories );'
    FROM generate_series( $1, $2, '1 month' ) AS d
  LOOP
    EXECUTE create_query;
  END LOOP;  -- LOOP END
END;         -- FUNCTION END
$$
language plpgsql;
-- +migrate StatementEnd

-- +migrate Down
drop function histories_partition_creation(DATE, DATE);
drop TABLE histories;
`;
const post = (name: string, end = ';') =>
  `CREATE TABLE ${name} (\n    id int NOT NULL,\n    PRIMARY KEY(id)\n)${end}\n`;
const MULTITXT =
  `-- +migrate Up\n${post('post')}\n-- +migrate Down\nDROP TABLE post;\n\n` +
  `-- +migrate Up\n${post('fancier_post')}\n-- +migrate Down\nDROP TABLE fancier_post;\n`;

test(
  'sql-migrate sqlparse_test.go TestSplitStatements functxt: ' +
    '2 up, 2 down; the StatementBegin block is one statement',
  () => {
    const parsed = ok(FUNCTXT);
    assert.equal(parsed.up.length, 2);
    assert.equal(parsed.down.length, 2);
    assert.match(parsed.up[1]!.sql, /^CREATE OR REPLACE FUNCTION[^]*END LOOP;  -- LOOP END[^]*language plpgsql;$/);
    assert.equal(parsed.up[1]!.line, 8);
  },
);

test(
  'sql-migrate sqlparse_test.go TestSplitStatements multitxt: ' +
    'Up and Down may alternate; each direction keeps file order',
  () => {
    const parsed = ok(MULTITXT);
    assert.deepEqual(
      parsed.up.map((u) => u.sql.split(' ')[2]),
      ['post', 'fancier_post'],
    );
    assert.deepEqual(
      parsed.down.map((u) => u.sql),
      ['DROP TABLE post;', 'DROP TABLE fancier_post;'],
    );
  },
);

const bad: [string, string, RegExp][] = [
  [
    'first statement missing terminator',
    MULTITXT.replace(post('post'), post('post', '')),
    /The last statement must be ended by a semicolon/,
  ],
  [
    'second half of first statement missing terminator',
    MULTITXT.replace(post('post'), `${post('post')}\nSELECT 'No ending semicolon'\n`),
    /The last statement must be ended by a semicolon/,
  ],
  [
    'second statement missing terminator',
    MULTITXT.replace('DROP TABLE post;', 'DROP TABLE post'),
    /The last statement must be ended by a semicolon/,
  ],
  [
    'trailing text after explicit StatementEnd (a second StatementBegin)',
    `-- +migrate Up\n-- +migrate StatementBegin\n${post('post')}-- +migrate StatementBegin\n` +
      `SELECT 'no semicolon'\n\n-- +migrate Down\nDROP TABLE post;\n`,
    /The last statement must be ended by a semicolon/,
  ],
];
for (const [name, text, message] of bad) {
  test(`sql-migrate sqlparse_test.go TestIntentionallyBadStatements ${name}: refused`, () =>
    assert.match(refused(text)?.message ?? '', message));
}

test(
  'sql-migrate sqlparse_test.go TestJustComment: an unterminated ' +
    'Up before a Down that holds only a comment is refused',
  () => {
    assert.match(
      refused(`-- +migrate Up\n${post('post', '')}\n-- +migrate Down\n-- no migration here\n`)?.message ?? '',
      /The last statement must be ended/,
    );
  },
);

test(
  'sql-migrate sqlparse.go: a Down holding only a comment ' + 'is valid ("allow comment without sql instruction")',
  () => {
    assert.deepEqual(
      ok('-- +migrate Up\nCREATE TABLE t (x int);\n-- +migrate Down\n-- nothing to downgrade!\n').down,
      [],
    );
  },
);

const refusals: [string, string, RegExp, number][] = [
  [
    'no Up/Down annotations found',
    'CREATE TABLE t (x int);\n',
    /no Up\/Down annotations found, so no statements were executed/,
    1,
  ],
  [
    'StatementBegin with no matching StatementEnd',
    '-- +migrate Up\n-- +migrate StatementBegin\nCREATE TABLE t (x int);\n',
    /saw '-- \+migrate StatementBegin' with no matching/,
    2,
  ],
  [
    'the last statement without its semicolon',
    '-- +migrate Up\nCREATE TABLE t (x int);\n-- +migrate Down\nDROP TABLE t\n',
    /The last statement must be ended/,
    4,
  ],
  [
    'parseCommand: `-- +migrate ` with no command is an incomplete migration command',
    '-- +migrate Up\nSELECT 1;\n-- +migrate   \n',
    /incomplete migration command/,
    3,
  ],
  [
    'bufio.Scanner: a line of 1 MiB or more is too long',
    `-- +migrate Up\nSELECT '${'x'.repeat(1024 * 1024)}';\n`,
    /token too long/,
    2,
  ],
];
for (const [name, text, message, line] of refusals) {
  test(`sql-migrate sqlparse.go ParseMigration refuses: ${name}`, () => {
    const error = refused(text);
    assert.match(error?.message ?? '', message);
    assert.equal(error?.line, line);
  });
}

test('sql-migrate sqlparse.go: a line just under 1 MiB still parses', () => {
  assert.equal(ok(`-- +migrate Up\nSELECT '${'x'.repeat(1024 * 1024 - 12)}';\n`).up.length, 1);
});

test('sql-migrate README: `notransaction` on a marker runs that direction without a transaction', () => {
  const parsed = ok(
    '-- +migrate Up notransaction\nCREATE UNIQUE INDEX CONCURRENTLY i ON t (id);\n-- +migrate Down\nDROP INDEX i;\n',
  );
  assert.deepEqual([parsed.upTransaction, parsed.downTransaction], [false, true]);
  const down = ok('-- +migrate Up\nSELECT 1;\n-- +migrate Down notransaction\nDROP INDEX CONCURRENTLY i;\n');
  assert.deepEqual([down.upTransaction, down.downTransaction], [true, false]);
});

test(
  'sql-migrate sqlparse.go: `-- ` comment lines are dropped ' +
    'everywhere, inside a StatementBegin block too; `--x` lines stay',
  () => {
    const parsed = ok(
      '-- +migrate Up\n-- +migrate StatementBegin\nDO $$\nBEGIN\n' +
        '-- Do something here\n--kept\nEND $$;\n-- +migrate StatementEnd\n',
    );
    assert.equal(parsed.up[0]?.sql, 'DO $$\nBEGIN\n--kept\nEND $$;');
  },
);

test('sql-migrate sqlparse.go: lines starting `-- +` are never sent, unknown or lower-case commands included', () => {
  const parsed = ok('-- +migrate Up\nCREATE TABLE t (\n-- +migrate up\n-- +goose Up\nx int);\n');
  assert.deepEqual(
    parsed.up.map((u) => u.sql),
    ['CREATE TABLE t (\nx int);'],
  );
});

test(
  'sql-migrate sqlparse.go: StatementBegin before any ' + 'Up/Down is ignored; an indented marker is SQL, not a marker',
  () => {
    const parsed = ok('-- +migrate StatementBegin\n-- +migrate Up\nSELECT 1;\n  -- +migrate Down\nSELECT 2;\n');
    assert.deepEqual(
      parsed.up.map((u) => u.sql),
      ['SELECT 1;', '-- +migrate Down\nSELECT 2;'],
    );
    assert.deepEqual(parsed.down, []);
  },
);

test('sql-migrate sqlparse.go: Windows line endings (bufio.ScanLines drops the \\r)', () => {
  const parsed = ok('-- +migrate Up notransaction\r\nSELECT 1;\r\n-- +migrate Down\r\nSELECT 2;\r\n');
  assert.deepEqual([parsed.up[0]?.sql, parsed.down[0]?.sql, parsed.upTransaction], ['SELECT 1;', 'SELECT 2;', false]);
});

test('sql-migrate sort_test.go TestSortMigrations', () => {
  const ids = ['10_abc', '120_cde', '1_abc', 'efg', '2_cde', '35_cde', '3_efg', '4_abc'];
  assert.deepEqual(ids.sort(compareSqlMigrate), [
    '1_abc',
    '2_cde',
    '3_efg',
    '4_abc',
    '10_abc',
    '35_cde',
    '120_cde',
    'efg',
  ]);
});

const less: [string, string, boolean][] = [
  ['1', '2', true],
  ['2', '1', false],
  ['1', 'a', true],
  ['a', '1', false],
  ['a', 'a', false],
  ['1-a', '1-b', true],
  ['1-b', '1-a', false],
  ['1', '10', true],
  ['10', '1', false],
  ['1_foo', '10_bar', true],
  ['10_bar', '1_foo', false],
  ['20160126_1100', '20160126_1200', true],
  ['20160126_1200', '20160126_1100', false],
];
for (const [a, b, expected] of less) {
  test(`sql-migrate migrate_test.go TestLess ${a} < ${b} is ${expected}`, () =>
    assert.equal(compareSqlMigrate(a, b) < 0, expected));
}

test("sql-migrate migrate.go Less: equal numbers fall back to Go's byte order of the names", () => {
  // U+FFFF is EF BF BF in UTF-8, before F0 (😀); in UTF-16 the surrogate D83D comes first.
  assert.ok(compareSqlMigrate('1_\uffff.sql', '1_😀.sql') < 0);
});

test(
  'sql-migrate migrate_test.go TestFileMigrate: ' + 'test-migrations/ loads as two migrations, comments dropped',
  async () => {
    const set = await sqlMigrate.load(
      memoryDirectory('test-migrations', {
        '2_record.sql':
          '-- +migrate Up\nINSERT INTO people (id) VALUES (1);\n\n-- +migrate Down\nDELETE FROM people WHERE id=1;\n',
        '1_initial.sql':
          "-- +migrate Up\n-- SQL in section 'Up' is executed when this migration is applied\n" +
          'CREATE TABLE people (id int);\n\n\n' +
          "-- +migrate Down\n-- SQL section 'Down' is executed when this migration is rolled back\n" +
          'DROP TABLE people;\n',
      }),
    );
    assert.deepEqual(set.problems, []);
    assert.deepEqual(
      set.migrations.map((m) => [m.version, m.up?.units.map((u) => u.sql), m.down?.units.map((u) => u.sql)]),
      [
        ['1_initial.sql', ['CREATE TABLE people (id int);'], ['DROP TABLE people;']],
        ['2_record.sql', ['INSERT INTO people (id) VALUES (1);'], ['DELETE FROM people WHERE id=1;']],
      ],
    );
  },
);

test(
  'sql-migrate migrate_test.go TestMigrateTransaction: a ' + "migration's statements run one by one in one transaction",
  async () => {
    const set = await sqlMigrate.load(
      memoryDirectory('db', {
        '125.sql': "-- +migrate Up\nINSERT INTO people (id, first_name) VALUES (1, 'Test');\nSELECT fail;\n",
      }),
    );
    assert.equal(set.migrations[0]?.up?.transaction, 'wrapped');
    assert.equal(set.migrations[0]?.up?.units.length, 2);
  },
);

test(
  'sql-migrate migrate.go findMigrations: only `.sql` (lower case) ' +
    'files directly in the folder; no Down section is an empty down',
  async () => {
    const set = await sqlMigrate.load(
      memoryDirectory('db', {
        '1_a.sql': '-- +migrate Up\nSELECT 1;\n',
        '2_b.SQL': '-- +migrate Up\nSELECT 2;\n',
        'old/3_c.sql': '-- +migrate Up\nSELECT 3;\n',
      }),
    );
    assert.deepEqual(
      set.migrations.map((m) => [m.version, m.down?.units.length]),
      [['1_a.sql', 0]],
    );
    assert.deepEqual(set.ignored.map((i) => i.file).sort(), ['2_b.SQL', 'old/3_c.sql']);
  },
);

test(
  'sql-migrate migrate.go findMigrations: one file that does ' +
    'not parse stops every migration (a parse-error that says so)',
  async () => {
    const set = await sqlMigrate.load(
      memoryDirectory('db', { '1_a.sql': '-- +migrate Up\nSELECT 1;\n', '2_b.sql': 'SELECT 2;\n' }),
    );
    assert.deepEqual(
      set.problems?.map((p) => [p.check, p.file, p.line]),
      [['parse-error', 'db/2_b.sql', 1]],
    );
    assert.match(
      set.problems![0]!.message,
      /^sql-migrate refuses to run any migration while 2_b\.sql does not parse: "no Up\/Down annotations found/,
    );
  },
);

test(
  'sql-migrate migrate.go VersionInt: a number past ' + 'int64 panics the sort when another numbered file exists',
  async () => {
    const big = '99999999999999999999_x.sql';
    const set = await sqlMigrate.load(
      memoryDirectory('db', { '1_a.sql': '-- +migrate Up\nSELECT 1;\n', [big]: '-- +migrate Up\nSELECT 2;\n' }),
    );
    assert.deepEqual(
      set.migrations.map((m) => m.version),
      ['1_a.sql'],
    );
    assert.deepEqual(
      set.problems?.map((p) => [p.check, p.file]),
      [['naming', `db/${big}`]],
    );
    assert.match(set.problems![0]!.message, /does not fit a 64-bit integer.*panics.*no migration runs/);
    // Alone among names without a number it is never converted, and runs first.
    const alone = await sqlMigrate.load(
      memoryDirectory('db', { 'init.sql': '-- +migrate Up\nSELECT 1;\n', [big]: '-- +migrate Up\nSELECT 2;\n' }),
    );
    assert.deepEqual(
      alone.migrations.map((m) => m.version),
      [big, 'init.sql'],
    );
  },
);
