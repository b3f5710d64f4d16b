import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractAnnotation, parseGoose } from './goose-parse.ts';

// goose's TestValidUp (github.com/pressly/goose internal/sqlparser/parser_test.go and
// testdata/valid-up/, abridged) and Test_extractAnnotation, then the annotation rules those
// tests imply. Each upstream case is named.

const sqls = (text: string, direction: 'up' | 'down' = 'up') => {
  const parsed = parseGoose(text, direction);
  assert.equal(parsed.error, undefined, parsed.error?.message);
  return parsed.statements.map((s) => s.sql);
};
const refused = (text: string, direction: 'up' | 'down' = 'up') => parseGoose(text, direction).error;

const validUp: [string, string, string[]][] = [
  [
    'test01 (lower-case annotations)',
    '-- +goose UP\nCREATE TABLE emp (\n    empname text\n);\n\n-- +goose statementBegin\n' +
      'CREATE FUNCTION emp_stamp() RETURNS trigger AS $e$\n' +
      '    BEGIN\n        -- Check that empname is given\n        RETURN NEW;\n    END;\n$e$ LANGUAGE plpgsql;\n' +
      '-- +goose StatementEnd\n\n' +
      'CREATE TRIGGER emp_stamp BEFORE INSERT ON emp\n    FOR EACH ROW EXECUTE FUNCTION emp_stamp();\n\n' +
      '-- +goose Down\n',
    [
      'CREATE TABLE emp (\n    empname text\n);',
      'CREATE FUNCTION emp_stamp() RETURNS trigger AS $e$\n    BEGIN\n        -- Check that empname is given\n' +
        '        RETURN NEW;\n    END;\n$e$ LANGUAGE plpgsql;',
      'CREATE TRIGGER emp_stamp BEFORE INSERT ON emp\n    FOR EACH ROW EXECUTE FUNCTION emp_stamp();',
    ],
  ],
  [
    'test02 (one block of several statements)',
    '-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE emp (x int);\n\nCREATE TABLE emp_audit (y int);\n' +
      '-- +goose StatementEnd\n\n-- +goose Down\n',
    ['CREATE TABLE emp (x int);\n\nCREATE TABLE emp_audit (y int);'],
  ],
  [
    'test04 (multi-line strings, in and out of a block)',
    '-- +goose Up\n\nCREATE TABLE k (id int, v text);\n\n-- +goose StatementBegin\n' +
      "INSERT INTO k VALUES (1, '-----BEGIN-----\nAAA;\n-----END-----\n');\n" +
      "-- +goose StatementEnd\n\nINSERT INTO k VALUES (2, '-----BEGIN-----\nBBB\n-----END-----\n');\n\n" +
      '-- +goose Down\n',
    [
      'CREATE TABLE k (id int, v text);',
      "INSERT INTO k VALUES (1, '-----BEGIN-----\nAAA;\n-----END-----\n');",
      "INSERT INTO k VALUES (2, '-----BEGIN-----\nBBB\n-----END-----\n');",
    ],
  ],
  [
    'test05 (comments inside a statement are kept, dangling ones dropped)',
    '-- +goose Up\n\nCREATE TABLE a (\n    id integer\n-- insert comment there\n);\n-- insert comment there\n\n' +
      '-- This is a dangling comment\n\n' +
      'CREATE TABLE b (\n    -- insert comment here\n    id integer\n);\n\n\n-- +goose Down\n',
    [
      'CREATE TABLE a (\n    id integer\n-- insert comment there\n);',
      'CREATE TABLE b (\n    -- insert comment here\n    id integer\n);',
    ],
  ],
  [
    'test06 (blank lines in strings; comments before a block statement dropped, after it kept)',
    "-- +goose Up\n\nINSERT INTO article VALUES ('id_0002',  E'# My second \n\nfirst paragraph\n\n" +
      "-- with a comment\n    -- with an indent comment\n\nsecond');\n\n" +
      '-- +goose StatementBegin\n\n\n-- 1 this comment will NOT be preserved\n' +
      '  -- 2 this comment will NOT be preserved\n\n\n' +
      'CREATE FUNCTION f() RETURNS INTEGER AS $$\nBEGIN\n  -- initiate technology\n  RETURN 1;\nEND;\n' +
      '$$ LANGUAGE plpgsql;\n\n' +
      '-- 3 this comment WILL BE preserved\n  -- 4 this comment WILL BE preserved\n\n\n-- +goose StatementEnd\n\n' +
      '-- +goose Down\nTRUNCATE TABLE post; \n',
    [
      "INSERT INTO article VALUES ('id_0002',  E'# My second \n\nfirst paragraph\n\n-- with a comment\n" +
        "    -- with an indent comment\n\nsecond');",
      'CREATE FUNCTION f() RETURNS INTEGER AS $$\nBEGIN\n  -- initiate technology\n  RETURN 1;\nEND;\n' +
        '$$ LANGUAGE plpgsql;\n\n' +
        '-- 3 this comment WILL BE preserved\n  -- 4 this comment WILL BE preserved',
    ],
  ],
  [
    'test07 (blank first line)',
    '    \n-- +goose Up\n-- +goose StatementBegin\nCREATE INDEX ON public.users (user_id);\n' +
      '-- +goose StatementEnd\n\n-- +goose Down\n' +
      '-- +goose StatementBegin\nDROP INDEX IF EXISTS users_user_id_idx;\n-- +goose StatementEnd\n',
    ['CREATE INDEX ON public.users (user_id);'],
  ],
  [
    'test08 (statements inside /* */ end at their semicolon)',
    '-- +goose Up\n\nCREATE TABLE a (x int);\n\n/*!80031 ALTER TABLE `a` MODIFY `x` TEXT NOT NULL */;\n' +
      '/*!80033 ALTER TABLE `b` MODIFY `y` TEXT */;\n',
    [
      'CREATE TABLE a (x int);',
      '/*!80031 ALTER TABLE `a` MODIFY `x` TEXT NOT NULL */;',
      '/*!80033 ALTER TABLE `b` MODIFY `y` TEXT */;',
    ],
  ],
  [
    'test09 (a block needs no final semicolon)',
    '-- +goose Up\n-- +goose StatementBegin\ncreate table t ( id int );\n' +
      'update rows set value = now() -- missing semicolon.\n-- +goose StatementEnd\n\n' +
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
  assert.match(
    refused(file('-- +goose Down -- rollback'))!.message,
    /annotation line "-- \+goose Down -- rollback": "Down  rollback" not supported/,
  );
  assert.match(
    refused(file('-- the +goose Down section follows'))!.message,
    /"the  Down section follows" not supported/,
  );
  assert.match(refused(file('-- +goose NO  TRANSACTION'))!.message, /"NO  TRANSACTION" not supported/);
  assert.deepEqual(sqls(file('-- +goose down'), 'down'), ['drop table a;']);
  assert.deepEqual(sqls(file('--+gooseDown'), 'down'), ['drop table a;']);
});

test('goose parses one direction at a time: an unfinished down statement refuses only the down', () => {
  const text = '-- +goose Up\ncreate table a (x int);\n-- +goose Down\ndrop table a\n';
  assert.deepEqual(sqls(text, 'up'), ['create table a (x int);']);
  assert.deepEqual(refused(text, 'down'), {
    line: 4,
    message:
      'failed to parse migration: state 4, direction: down: ' +
      'unexpected unfinished SQL query: "drop table a": missing semicolon?',
  });
});

test('goose: an empty StatementBegin/StatementEnd block swallows the next line, as goose does', () => {
  const text = '-- +goose Up\n-- +goose StatementBegin\n-- +goose StatementEnd\nselect 1;\nselect 2;\n';
  assert.deepEqual(sqls(text), ['', 'select 2;']);
});
