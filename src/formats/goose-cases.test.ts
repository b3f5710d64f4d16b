import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endsWithSemicolon } from './annotated.ts';
import { parseGoose } from './goose-parse.ts';

// Cases that follow goose's own tests (github.com/pressly/goose internal/sqlparser/parser_test.go
// and its testdata/, abridged where the input is long): how goose splits and refuses files.
// Each names the upstream case; TestValidUp and Test_extractAnnotation are in
// goose-annotations.test.ts, TestEnvsub in goose-envsub.test.ts.

const ok = (text: string, direction: 'up' | 'down' = 'up', env = new Map<string, string>()) => {
  const parsed = parseGoose(text, direction, env);
  assert.equal(parsed.error, undefined, parsed.error?.message);
  return parsed;
};
const sqls = (text: string, direction: 'up' | 'down' = 'up') => ok(text, direction).statements.map((s) => s.sql);
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
  test(`goose parser_test.go TestSemicolons ${JSON.stringify(line)}`, () =>
    assert.equal(endsWithSemicolon(line), expected));
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
      'CREATE FUNCTION my_func() RETURNS CHAR(255)\nBEGIN \n  RETURN "Dummy Body"; \nEND | \n' +
      '-- +goose StatementEnd\n\n' +
      '-- +goose StatementBegin\nDELIMITER ; \n-- +goose StatementEnd\n\nselect my_func("123") from dual;\n' +
      '-- +goose Down\n',
    4,
    0,
  ],
  [
    'copyFromStdin',
    '\n-- +goose Up\n-- +goose StatementBegin\nCOPY t (id, model) FROM stdin;\n1\tlogentry\n2\tpermission\n\\.\n' +
      '-- +goose StatementEnd\n',
    1,
    0,
  ],
  [
    'plpgsqlSyntax',
    '\n-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS TRIGGER AS $$\nBEGIN\n    RETURN NEW;\n' +
      "END;\n$$ language 'plpgsql';\n" +
      '-- +goose StatementEnd\n-- +goose StatementBegin\n' +
      'CREATE TRIGGER t BEFORE UPDATE ON p FOR EACH ROW EXECUTE PROCEDURE f();\n-- +goose StatementEnd\n\n' +
      '-- +goose Down\n-- +goose StatementBegin\nDROP TRIGGER t\n-- +goose StatementEnd\n-- +goose StatementBegin\n' +
      'DROP FUNCTION f()\n-- +goose StatementEnd\n',
    2,
    2,
  ],
  [
    'plpgsqlSyntaxMixedStatements',
    '\n-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS TRIGGER AS $$\nBEGIN\n    RETURN NEW;\n' +
      "END;\n$$ language 'plpgsql';\n" +
      '-- +goose StatementEnd\n\nCREATE TRIGGER t\nBEFORE UPDATE\nON p \nFOR EACH ROW EXECUTE PROCEDURE f();\n\n' +
      '-- +goose Down\nDROP TRIGGER t;\nDROP FUNCTION f();\n',
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
  assert.deepEqual(
    parsed.statements.map((s) => [s.line, s.sql]),
    [
      [2, 'CREATE TABLE post (\n\t\tid int NOT NULL,\n\t\tPRIMARY KEY(id)\n);                  -- 1st stmt'],
      [8, 'SELECT 2;           -- 2nd stmt'],
      [9, 'SELECT 3; SELECT 3; -- 3rd stmt'],
      [10, 'SELECT 4;           -- 4th stmt'],
    ],
  );
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
  [
    '00001_create_users_table.sql',
    '-- +goose Up\nCREATE TABLE users (id int);\n\n-- +goose Down\nDROP TABLE users;\n',
    true,
  ],
  [
    '00002_rename_root.sql',
    "-- +goose Up\n-- +goose StatementBegin\nUPDATE users SET username='admin' WHERE username='root';\n" +
      '-- +goose StatementEnd\n\n' +
      "-- +goose Down\n-- +goose StatementBegin\nUPDATE users SET username='root' WHERE username='admin';\n" +
      '-- +goose StatementEnd\n',
    true,
  ],
  [
    '00003_no_transaction.sql',
    '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE TABLE post (id int);\n\n-- +goose Down\nDROP TABLE post;\n',
    false,
  ],
];
for (const [name, text, useTx] of txn) {
  test(`goose parser_test.go TestUseTransactions testdata/valid-txn/${name}`, () =>
    assert.equal(ok(text).useTx, useTx));
}

const parsingErrors: [string, string, RegExp][] = [
  [
    'statementBeginNoStatementEnd',
    '-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() AS $$ x; $$;\n\n-- +goose Down\ndrop function f();\n',
    /must start with '-- \+goose Up'/,
  ],
  ['unfinishedSQL', '\n-- +goose Up\nALTER TABLE post\n\n-- +goose Down\n', /unfinished SQL query: "ALTER TABLE post"/],
  [
    'noUpDownAnnotations',
    '\nCREATE TABLE post (\n    id int NOT NULL\n);\n',
    /unexpected state 0 on line "CREATE TABLE post \("/,
  ],
  [
    'multiUpDown',
    '-- +goose Up\nCREATE TABLE post (id int);\n\n-- +goose Down\nDROP TABLE post;\n\n-- +goose Up\n' +
      'CREATE TABLE f (id int);\n',
    /duplicate '-- \+goose Up' annotations/,
  ],
  [
    'downFirst',
    '-- +goose Down\nDROP TABLE fancier_post;\n',
    /must start with '-- \+goose Up' annotation, stateMachine=0/,
  ],
];
for (const [name, text, message] of parsingErrors) {
  test(`goose parser_test.go TestParsingErrors ${name}`, () => assert.match(refused(text)!.message, message));
}
