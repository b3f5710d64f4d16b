import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmbedded } from '../database/embedded.ts';
import { executeScript } from '../execute.ts';
import { memoryDirectory } from '../files/directory.ts';
import { flyway } from './flyway.ts';

/**
 * How Flyway's PostgreSQL parser splits a script and whether it runs it in a transaction, case
 * by case. `follows` names the upstream test (PostgreSQLSqlStatementBuilderSmallTest, Flyway's
 * test of its PostgreSQL statement splitter) or the part of PostgreSQLParser the case follows
 * (detectCanExecuteInTransaction, detectStatementType, readCopyData,
 * handleAlternativeStringLiteral, adjustBlockDepth).
 */
const TRANSACTION: { follows: string; sql: string; runs: 'wrapped' | 'none' }[] = [
  ...[
    'CREATE DATABASE app_copy',
    'DROP DATABASE app_copy',
    "CREATE TABLESPACE t LOCATION '/x'",
    'DROP TABLESPACE t',
    "CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p",
    'DROP SUBSCRIPTION s',
    "ALTER SYSTEM SET work_mem = '8MB'",
    'CREATE INDEX CONCURRENTLY i ON t (x)',
    'create unique index concurrently i on t (x)',
    'DROP INDEX CONCURRENTLY i',
    '/* comments do not count */ CREATE -- nor here\n INDEX CONCURRENTLY i ON t (x)',
    'REINDEX SCHEMA public',
    'REINDEX (VERBOSE) DATABASE app',
    'REINDEX SYSTEM app',
    'REINDEX SCHEMA CONCURRENTLY public',
    'VACUUM',
    'VACUUM (ANALYZE) t',
    'DISCARD ALL',
  ].map((sql) => ({ follows: 'PostgreSQLParser.detectCanExecuteInTransaction', sql, runs: 'none' as const })),
  ...[
    'REINDEX INDEX CONCURRENTLY i',
    'REINDEX TABLE CONCURRENTLY t',
    'REINDEX (CONCURRENTLY) INDEX i',
    'REINDEX INDEX i',
    'ALTER TABLE t DETACH PARTITION p CONCURRENTLY',
    'CREATE INDEX i ON t (x)',
    'DISCARD PLANS',
    'REFRESH MATERIALIZED VIEW CONCURRENTLY v',
    'CREATE INDEX "concurrently" ON t (x)',
  ].map((sql) => ({
    follows: 'PostgreSQLParser.detectCanExecuteInTransaction (no match)',
    sql,
    runs: 'wrapped' as const,
  })),
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.alterType',
    sql: 'ALTER TYPE "myschema"."colors" ADD ATTRIBUTE f3 int',
    runs: 'wrapped',
  },
  // NOTE: the old builder ran ADD VALUE outside a transaction; PostgreSQLParser now does so only
  // on servers before 12, and migrate-check replays on 15 or later.
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.alterTypeAddValue (Postgres 12+: PostgreSQLParser)',
    sql: `ALTER TYPE "myschema"."colors" ADD VALUE 'orange' AFTER 'red'`,
    runs: 'wrapped',
  },
];

const SPLIT: { follows: string; sql: string; statements: number }[] = [
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.columnColumnText',
    sql:
      'CREATE DOMAIN some_domain AS CHARACTER(3)\n' +
      "CONSTRAINT some_domain_check CHECK (((VALUE) :: TEXT = ANY (ARRAY ['FOO' :: TEXT, 'BAR' :: TEXT])));",
    statements: 1,
  },
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.regclass',
    sql: "CREATE TABLE base_table (\nid integer DEFAULT nextval('base_table_seq'::regclass) NOT NULL\n);",
    statements: 1,
  },
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.function',
    sql:
      'CREATE FUNCTION add(integer, integer) RETURNS integer\n LANGUAGE sql IMMUTABLE STRICT\n' +
      ' AS $_$select $1 + $2;$_$;\n',
    statements: 1,
  },
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.ts',
    sql: "insert into testDate values (TIMESTAMP '2004-10-19 10:23:54');\n",
    statements: 1,
  },
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.eString',
    sql: "CREATE TABLE sometable1 (\n id SERIAL PRIMARY KEY,\n f TEXT CHECK (f ~ E'.')\n);\n",
    statements: 1,
  },
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.copy',
    sql: "COPY CSV_FILES FROM '/path/to/filename.csv' DELIMITER ';' CSV HEADER;\nselect 1;",
    statements: 2,
  },
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.multilineStringLiteralWithSemicolons',
    sql: "INSERT INTO address VALUES (1, '1. first;\n2. second;\n3. third;')",
    statements: 1,
  },
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.multilineDollar',
    sql: 'INSERT INTO dollar VALUES($$Hello\nmulti-line\nquotes;\n$$)',
    statements: 1,
  },
  {
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.multilineDollarNestedQuotes',
    sql: [
      'CREATE OR REPLACE FUNCTION upperFunc()',
      'RETURNS void AS $$',
      'DECLARE',
      "var varchar = 'abc';",
      'BEGIN',
      "raise info 'upperFunc';",
      'CREATE OR REPLACE FUNCTION internalFunc()',
      'RETURNS void AS $BODY$',
      'DECLARE',
      "var varchar1 = 'abc';",
      'BEGIN',
      "raise info 'internalFunc'",
      'END;',
      '$BODY$ LANGUAGE plpgsql;',
      'END;',
      '$$ LANGUAGE plpgsql',
    ].join('\n'),
    statements: 1,
  },
  ...['$$', '$abc$', '$ABC$', '$aBcDeF$', '$aBc_DeF$', '$abcDEF123$'].map((tag) => ({
    follows: 'PostgreSQLSqlStatementBuilderSmallTest.dollarQuoteRegex',
    sql: `select ${tag}a; b${tag};\nselect 2;`,
    statements: 2,
  })),
  {
    follows: 'PostgreSQLParser.adjustBlockDepth (BEGIN ATOMIC)',
    sql: 'create function f() returns int language sql begin atomic select 1; select 2; end;\nselect 3;',
    statements: 2,
  },
  {
    follows: 'PostgreSQLParser.adjustBlockDepth (CASE inside ATOMIC)',
    sql:
      'create function g(x int) returns text language sql begin atomic ' +
      "select case when x > 0 then 'p' else 'n' end; end;\nselect 3;",
    statements: 2,
  },
];

const COPY: { follows: string; sql: string; data: string[] }[] = [
  {
    follows: 'PostgreSQLParser.detectStatementType (COPY … FROM STDIN)',
    sql: 'COPY t (a, b) FROM stdin;\n1\tx;y\n\\.\nselect 1;',
    data: ['1\tx;y\n'],
  },
  {
    follows: 'PostgreSQLParser.detectStatementType (qualified name, options)',
    sql: 'copy public.t1 from STDIN with (format csv);\n1,"a;b"\n\\.\n',
    data: ['1,"a;b"\n'],
  },
  {
    follows: 'PostgreSQLParser.readCopyData (rest of the COPY line skipped)',
    sql: 'COPY t FROM STDIN; -- ignored\n1\n2\n\\.\nselect 1;',
    data: ['1\n2\n'],
  },
  {
    follows: 'PostgreSQLParser.readCopyData (`\\.` with blanks around it)',
    sql: 'COPY t FROM STDIN;\n\\N\n  \\.  \nselect 1;',
    data: ['\\N\n'],
  },
  {
    follows: 'PostgreSQLParser.readCopyData (no data)',
    sql: 'COPY t FROM STDIN;\n\\.\nCOPY u FROM STDIN;\n9\n\\.\n',
    data: ['', '9\n'],
  },
  {
    follows: 'PostgreSQLParser.detectStatementType (COPY TO STDOUT is no COPY FROM STDIN)',
    sql: 'COPY t TO STDOUT;\nselect 1;',
    data: [],
  },
];

const load = async (sql: string) => (await flyway.load(memoryDirectory('db', { 'V1__x.sql': sql }))).migrations[0]!.up!;

test('flyway upstream cases: statements that run outside a transaction are those PostgreSQLParser names', async () => {
  for (const c of TRANSACTION) assert.equal((await load(`${c.sql};`)).transaction, c.runs, `${c.follows}: ${c.sql}`);
});

test('flyway upstream cases: scripts split into the statements Flyway sends', async () => {
  for (const c of SPLIT) assert.equal((await load(c.sql)).units.length, c.statements, `${c.follows}: ${c.sql}`);
});

test('flyway upstream cases: COPY … FROM STDIN data up to `\\.` is data, not statements', async () => {
  for (const c of COPY) {
    const units = (await load(c.sql)).units;
    assert.deepEqual(
      units.filter((u) => u.copyData !== undefined).map((u) => u.copyData),
      c.data,
      c.follows,
    );
    assert.ok(
      units.every((u) => !/^\d|^\\/.test(u.sql)),
      `${c.follows}: a data line became a statement`,
    );
  }
});

test('flyway: COPY data without its `\\.` line is a parse error (Flyway never finishes the script)', async () => {
  const set = await flyway.load(
    memoryDirectory('db', { 'V1__x.sql': 'create table t (a int);\nCOPY t FROM stdin;\n1\n2\n' }),
  );
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.line]),
    [['parse-error', 2]],
  );
  assert.match(set.problems![0]!.message, /COPY … FROM STDIN at line 2 has no `\\\.` line after it/);
});

test("flyway: COPY data reaches Postgres through the COPY protocol, in the migration's transaction", async () => {
  const sql = [
    'create table t (id int, label text);',
    'COPY t (id, label) FROM stdin;',
    '1\tsemi;colon',
    '2\t\\N',
    "3\tit's",
    '\\.',
    "update t set label = 'null' where label is null;",
  ].join('\n');
  const up = await load(sql);
  assert.equal(up.transaction, 'wrapped');
  const server = await startEmbedded();
  try {
    await using db = await server.createDatabase('flyway-copy');
    const client = await db.connect();
    try {
      assert.equal(await executeScript(client, up), null);
      const rows = await client.query('select id, label from t order by id');
      assert.deepEqual(rows.rows, [
        { id: 1, label: 'semi;colon' },
        { id: 2, label: 'null' },
        { id: 3, label: "it's" },
      ]);
      const bad = await load('create table u (id int);\nCOPY u FROM stdin;\nnot a number\n\\.\n');
      const failed = await executeScript(client, { ...bad, file: 'db/V2__bad.sql' });
      assert.deepEqual([failed?.code, failed?.file, failed?.line], ['22P02', 'db/V2__bad.sql', 2]);
      assert.equal(
        (await client.query("select to_regclass('u') as u")).rows[0].u,
        null,
        'the failed COPY rolled back its migration',
      );
    } finally {
      await client.end();
    }
  } finally {
    await server[Symbol.asyncDispose]();
  }
});

test('flyway upstream cases: counted', (t) => {
  const cases = TRANSACTION.length + SPLIT.length + COPY.length;
  t.diagnostic(
    `flyway statements: ${cases} upstream-derived cases, ${cases - 1} agree with current Flyway and the old ` +
      'builder; 1 (alterTypeAddValue) follows current Flyway on Postgres 12+',
  );
  assert.equal(cases, 29 + 17 + 6);
});
