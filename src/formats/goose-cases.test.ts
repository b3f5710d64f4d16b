import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endsWithSemicolon } from './annotated.ts';
import { extractAnnotation, parseGoose } from './goose-parse.ts';

// Cases that follow goose's own tests (github.com/pressly/goose, internal/sqlparser/parser_test.go
// and its testdata/, abridged where the input is long) and the interpolate tests goose's ENVSUB
// relies on (github.com/mfridman/interpolate, interpolate_test.go). Each names the upstream case.

const ok = (text: string, direction: 'up' | 'down' = 'up', env = new Map<string, string>()) => {
  const parsed = parseGoose(text, direction, env);
  assert.equal(parsed.error, undefined, parsed.error?.message);
  return parsed;
};
const sqls = (text: string, direction: 'up' | 'down' = 'up', env?: Map<string, string>) => ok(text, direction, env).statements.map((s) => s.sql);
const refused = (text: string, direction: 'up' | 'down' = 'up') => parseGoose(text, direction).error;

const semicolons: [string, boolean][] = [
  ['END;', true],
  ['END; -- comment', true],
  ['END   ; -- comment', true],
  ['END -- comment', false],
  ['END -- comment ;', false],
  ['END " ; " -- comment', false],
];
for (const [line, expected] of semicolons) {
  test(`goose parser_test.go TestSemicolons ${JSON.stringify(line)}`, () => assert.equal(endsWithSemicolon(line), expected));
}

const MULTILINE = `-- +goose Up
CREATE TABLE post (
\t\tid int NOT NULL,
\t\tPRIMARY KEY(id)
);                  -- 1st stmt

-- comment
SELECT 2;           -- 2nd stmt
SELECT 3; SELECT 3; -- 3rd stmt
SELECT 4;           -- 4th stmt

-- +goose Down
-- comment
DROP TABLE post;    -- 1st stmt
`;
const FUNCTXT = `-- +goose Up
CREATE TABLE IF NOT EXISTS histories (id BIGSERIAL PRIMARY KEY);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION histories_partition_creation( DATE, DATE )
returns void AS $$
DECLARE
\tcreate_query text;
BEGIN
\tEXECUTE create_query;
END;         -- FUNCTION END
$$
language plpgsql;
-- +goose StatementEnd

-- +goose Down
drop function histories_partition_creation(DATE, DATE);
drop TABLE histories;
`;
const split: [string, string, number, number][] = [
  ['multilineSQL', MULTILINE, 4, 1],
  ['emptySQL', '-- +goose Up\n-- This is just a comment', 0, 0],
  ['emptySQL2', '\n\n-- comment\n-- +goose Up\n\n-- comment\n-- +goose Down\n\n', 0, 0],
  ['functxt', FUNCTXT, 2, 2],
  [
    'mysqlChangeDelimiter',
    '\n-- +goose Up\n-- +goose StatementBegin\nDELIMITER | \n-- +goose StatementEnd\n\n-- +goose StatementBegin\n' +
      'CREATE FUNCTION my_func() RETURNS CHAR(255)\nBEGIN \n  RETURN "Dummy Body"; \nEND | \n-- +goose StatementEnd\n\n' +
      '-- +goose StatementBegin\nDELIMITER ; \n-- +goose StatementEnd\n\nselect my_func("123") from dual;\n-- +goose Down\n',
    4,
    0,
  ],
  ['copyFromStdin', '\n-- +goose Up\n-- +goose StatementBegin\nCOPY t (id, model) FROM stdin;\n1\tlogentry\n2\tpermission\n\\.\n-- +goose StatementEnd\n', 1, 0],
  [
    'plpgsqlSyntax',
    '\n-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS TRIGGER AS $$\nBEGIN\n    RETURN NEW;\nEND;\n$$ language \'plpgsql\';\n' +
      '-- +goose StatementEnd\n-- +goose StatementBegin\nCREATE TRIGGER t BEFORE UPDATE ON p FOR EACH ROW EXECUTE PROCEDURE f();\n-- +goose StatementEnd\n\n' +
      '-- +goose Down\n-- +goose StatementBegin\nDROP TRIGGER t\n-- +goose StatementEnd\n-- +goose StatementBegin\nDROP FUNCTION f()\n-- +goose StatementEnd\n',
    2,
    2,
  ],
  [
    'plpgsqlSyntaxMixedStatements',
    '\n-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS TRIGGER AS $$\nBEGIN\n    RETURN NEW;\nEND;\n$$ language \'plpgsql\';\n' +
      '-- +goose StatementEnd\n\nCREATE TRIGGER t\nBEFORE UPDATE\nON p \nFOR EACH ROW EXECUTE PROCEDURE f();\n\n-- +goose Down\nDROP TRIGGER t;\nDROP FUNCTION f();\n',
    2,
    2,
  ],
];
for (const [name, text, up, down] of split) {
  test(`goose parser_test.go TestSplitStatements ${name}: ${up} up, ${down} down`, () => {
    assert.equal(sqls(text, 'up').length, up);
    assert.equal(sqls(text, 'down').length, down);
  });
}

test('goose parser_test.go TestSplitStatements multilineSQL: statements keep their trailing comments and lines', () => {
  const parsed = ok(MULTILINE);
  assert.deepEqual(parsed.statements.map((s) => [s.line, s.sql]), [
    [2, 'CREATE TABLE post (\n\t\tid int NOT NULL,\n\t\tPRIMARY KEY(id)\n);                  -- 1st stmt'],
    [8, 'SELECT 2;           -- 2nd stmt'],
    [9, 'SELECT 3; SELECT 3; -- 3rd stmt'],
    [10, 'SELECT 4;           -- 4th stmt'],
  ]);
});

const invalidUp: [string, string][] = [
  ['a.sql', '-- +goose Up\nSELECT * FROM foo;\nSELECT * FROM bar\n-- +goose Down\nSELECT * FROM baz;\n'],
  ['b.sql', '-- +goose Up\nSELECT * FROM bar\n-- +goose Down\nSELECT * FROM baz;\n'],
  ['c.sql', '-- +goose Up\nSELECT * FROM bar\n-- +goose Down\n'],
  ['d.sql', '-- +goose Up\nSELECT * FROM bar\n'],
];
for (const [name, text] of invalidUp) {
  test(`goose parser_test.go TestInvalidUp testdata/invalid/up/${name}`, () => {
    assert.match(refused(text)!.message, /unexpected unfinished SQL query: "SELECT \* FROM bar": missing semicolon\?/);
  });
}

const txn: [string, string, boolean][] = [
  ['00001_create_users_table.sql', '-- +goose Up\nCREATE TABLE users (id int);\n\n-- +goose Down\nDROP TABLE users;\n', true],
  [
    '00002_rename_root.sql',
    "-- +goose Up\n-- +goose StatementBegin\nUPDATE users SET username='admin' WHERE username='root';\n-- +goose StatementEnd\n\n" +
      "-- +goose Down\n-- +goose StatementBegin\nUPDATE users SET username='root' WHERE username='admin';\n-- +goose StatementEnd\n",
    true,
  ],
  ['00003_no_transaction.sql', '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE post (id int);\n\n-- +goose Down\nDROP TABLE post;\n', false],
];
for (const [name, text, useTx] of txn) {
  test(`goose parser_test.go TestUseTransactions testdata/valid-txn/${name}`, () => assert.equal(ok(text).useTx, useTx));
}

const parsingErrors: [string, string, RegExp][] = [
  ['statementBeginNoStatementEnd', '-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() AS $$ x; $$;\n\n-- +goose Down\ndrop function f();\n', /must start with '-- \+goose Up'/],
  ['unfinishedSQL', '\n-- +goose Up\nALTER TABLE post\n\n-- +goose Down\n', /unfinished SQL query: "ALTER TABLE post"/],
  ['noUpDownAnnotations', '\nCREATE TABLE post (\n    id int NOT NULL\n);\n', /unexpected state 0 on line "CREATE TABLE post \("/],
  ['multiUpDown', '-- +goose Up\nCREATE TABLE post (id int);\n\n-- +goose Down\nDROP TABLE post;\n\n-- +goose Up\nCREATE TABLE f (id int);\n', /duplicate '-- \+goose Up' annotations/],
  ['downFirst', '-- +goose Down\nDROP TABLE fancier_post;\n', /must start with '-- \+goose Up' annotation, stateMachine=0/],
];
for (const [name, text, message] of parsingErrors) {
  test(`goose parser_test.go TestParsingErrors ${name}`, () => assert.match(refused(text)!.message, message));
}

const validUp: [string, string, string[]][] = [
  [
    'test01 (lower-case annotations)',
    '-- +goose UP\nCREATE TABLE emp (\n    empname text\n);\n\n-- +goose statementBegin\nCREATE FUNCTION emp_stamp() RETURNS trigger AS $e$\n' +
      '    BEGIN\n        -- Check that empname is given\n        RETURN NEW;\n    END;\n$e$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n\n' +
      'CREATE TRIGGER emp_stamp BEFORE INSERT ON emp\n    FOR EACH ROW EXECUTE FUNCTION emp_stamp();\n\n-- +goose Down\n',
    [
      'CREATE TABLE emp (\n    empname text\n);',
      'CREATE FUNCTION emp_stamp() RETURNS trigger AS $e$\n    BEGIN\n        -- Check that empname is given\n        RETURN NEW;\n    END;\n$e$ LANGUAGE plpgsql;',
      'CREATE TRIGGER emp_stamp BEFORE INSERT ON emp\n    FOR EACH ROW EXECUTE FUNCTION emp_stamp();',
    ],
  ],
  [
    'test02 (one block of several statements)',
    '-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE emp (x int);\n\nCREATE TABLE emp_audit (y int);\n-- +goose StatementEnd\n\n-- +goose Down\n',
    ['CREATE TABLE emp (x int);\n\nCREATE TABLE emp_audit (y int);'],
  ],
  [
    'test04 (multi-line strings, in and out of a block)',
    "-- +goose Up\n\nCREATE TABLE k (id int, v text);\n\n-- +goose StatementBegin\nINSERT INTO k VALUES (1, '-----BEGIN-----\nAAA;\n-----END-----\n');\n" +
      "-- +goose StatementEnd\n\nINSERT INTO k VALUES (2, '-----BEGIN-----\nBBB\n-----END-----\n');\n\n-- +goose Down\n",
    ['CREATE TABLE k (id int, v text);', "INSERT INTO k VALUES (1, '-----BEGIN-----\nAAA;\n-----END-----\n');", "INSERT INTO k VALUES (2, '-----BEGIN-----\nBBB\n-----END-----\n');"],
  ],
  [
    'test05 (comments inside a statement are kept, dangling ones dropped)',
    '-- +goose Up\n\nCREATE TABLE a (\n    id integer\n-- insert comment there\n);\n-- insert comment there\n\n-- This is a dangling comment\n\n' +
      'CREATE TABLE b (\n    -- insert comment here\n    id integer\n);\n\n\n-- +goose Down\n',
    ['CREATE TABLE a (\n    id integer\n-- insert comment there\n);', 'CREATE TABLE b (\n    -- insert comment here\n    id integer\n);'],
  ],
  [
    'test06 (blank lines in strings; comments before a block statement dropped, after it kept)',
    "-- +goose Up\n\nINSERT INTO article VALUES ('id_0002',  E'# My second \n\nfirst paragraph\n\n-- with a comment\n    -- with an indent comment\n\nsecond');\n\n" +
      '-- +goose StatementBegin\n\n\n-- 1 this comment will NOT be preserved\n  -- 2 this comment will NOT be preserved\n\n\n' +
      'CREATE FUNCTION f() RETURNS INTEGER AS $$\nBEGIN\n  -- initiate technology\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\n\n' +
      '-- 3 this comment WILL BE preserved\n  -- 4 this comment WILL BE preserved\n\n\n-- +goose StatementEnd\n\n-- +goose Down\nTRUNCATE TABLE post; \n',
    [
      "INSERT INTO article VALUES ('id_0002',  E'# My second \n\nfirst paragraph\n\n-- with a comment\n    -- with an indent comment\n\nsecond');",
      'CREATE FUNCTION f() RETURNS INTEGER AS $$\nBEGIN\n  -- initiate technology\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\n\n' +
        '-- 3 this comment WILL BE preserved\n  -- 4 this comment WILL BE preserved',
    ],
  ],
  [
    'test07 (blank first line)',
    '    \n-- +goose Up\n-- +goose StatementBegin\nCREATE INDEX ON public.users (user_id);\n-- +goose StatementEnd\n\n-- +goose Down\n' +
      '-- +goose StatementBegin\nDROP INDEX IF EXISTS users_user_id_idx;\n-- +goose StatementEnd\n',
    ['CREATE INDEX ON public.users (user_id);'],
  ],
  [
    'test08 (statements inside /* */ end at their semicolon)',
    '-- +goose Up\n\nCREATE TABLE a (x int);\n\n/*!80031 ALTER TABLE `a` MODIFY `x` TEXT NOT NULL */;\n/*!80033 ALTER TABLE `b` MODIFY `y` TEXT */;\n',
    ['CREATE TABLE a (x int);', '/*!80031 ALTER TABLE `a` MODIFY `x` TEXT NOT NULL */;', '/*!80033 ALTER TABLE `b` MODIFY `y` TEXT */;'],
  ],
  [
    'test09 (a block needs no final semicolon)',
    '-- +goose Up\n-- +goose StatementBegin\ncreate table t ( id int );\nupdate rows set value = now() -- missing semicolon.\n-- +goose StatementEnd\n\n' +
      '-- +goose Down\nDROP TABLE IF EXISTS t;\n',
    ['create table t ( id int );\nupdate rows set value = now() -- missing semicolon.'],
  ],
];
for (const [name, text, expected] of validUp) {
  test(`goose parser_test.go TestValidUp ${name}`, () => assert.deepEqual(sqls(text), expected));
}

const annotations: [string, string, string | null][] = [
  ['Up', '-- +goose Up', 'Up'],
  ['Down', '-- +goose Down', 'Down'],
  ['StmtBegin', '-- +goose StatementBegin', 'StatementBegin'],
  ['NoTransact', '-- +goose NO TRANSACTION', 'NO TRANSACTION'],
  ['Unsupported', '-- +goose unsupported', null],
  ['Empty', '-- +goose', null],
  ['statement with spaces and Uppercase', '-- +goose   UP \t', 'Up'],
  ['statement with leading whitespace - error', ' -- +goose   UP \t', null],
  ['statement with leading \\t - error', '\t-- +goose   UP \t', null],
  ['multiple +goose annotations - error', '-- +goose +goose Up', null],
];
for (const [name, line, expected] of annotations) {
  test(`goose parser_test.go Test_extractAnnotation ${name}`, () => {
    if (expected) assert.equal(extractAnnotation(line), expected);
    else assert.throws(() => extractAnnotation(line));
  });
}

test('goose: a `--` line with `+goose` that is not exactly an annotation is refused, not taken for a comment', () => {
  const file = (marker: string) => `-- +goose Up\ncreate table a (x int);\n${marker}\ndrop table a;\n`;
  assert.match(refused(file('-- +goose Down -- rollback'))!.message, /annotation line "-- \+goose Down -- rollback": "Down  rollback" not supported/);
  assert.match(refused(file('-- the +goose Down section follows'))!.message, /"the  Down section follows" not supported/);
  assert.match(refused(file('-- +goose NO  TRANSACTION'))!.message, /"NO  TRANSACTION" not supported/);
  assert.deepEqual(sqls(file('-- +goose down'), 'down'), ['drop table a;']);
  assert.deepEqual(sqls(file('--+gooseDown'), 'down'), ['drop table a;']);
});

test('goose parses one direction at a time: an unfinished down statement refuses only the down', () => {
  const text = '-- +goose Up\ncreate table a (x int);\n-- +goose Down\ndrop table a\n';
  assert.deepEqual(sqls(text, 'up'), ['create table a (x int);']);
  assert.deepEqual(refused(text, 'down'), { line: 4, message: 'failed to parse migration: state 4, direction: down: unexpected unfinished SQL query: "drop table a": missing semicolon?' });
});

test('goose: an empty StatementBegin/StatementEnd block swallows the next line, as goose does', () => {
  const text = '-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\nselect 1;\nselect 2;\n';
  assert.deepEqual(sqls(text), ['', 'select 2;']);
});
