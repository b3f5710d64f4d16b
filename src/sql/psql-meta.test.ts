import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findPsqlMeta } from './psql-meta.ts';

test('finds psql meta-commands at the start of a line', () => {
  const cases: [string, number, string][] = [
    ['\\i other.sql\n', 1, '\\i'],
    ['create table a ();\n\\set ON_ERROR_STOP on\n', 2, '\\set'],
    ['select 1;\n  \\connect app\n', 2, '\\connect'],
    ['\\c app\n', 1, '\\c'],
    ['\\copy users from users.csv csv\n', 1, '\\copy'],
    ["select format('drop table %I', t) from x\n\\gexec\n", 2, '\\gexec'],
    ['\\if :is_prod\nselect 1;\n\\endif\n', 1, '\\if'],
    ['\\d+ users\n', 1, '\\d+'],
    ['\\! rm -rf /\n', 1, '\\!'],
    ['-- header\n/* a\n   b */\n\t\\ir  x.sql\n', 4, '\\ir'],
  ];
  for (const [sql, line, command] of cases) assert.deepEqual(findPsqlMeta(sql), { line, command }, sql);
});

test('a backslash inside strings, identifiers, comments, dollar quotes or COPY data is not a meta-command', () => {
  const clean = [
    "select 'a\n\\i not-a-command';\n",
    "select E'it\\'s\n\\set x';\n",
    'select 1 as "x\n\\c y";\n',
    '-- \\i in a comment\n',
    '/* outer /* nested\n\\i no */ still a comment\n\\set no */ select 1;\n',
    'create function f() returns text language sql as $$\n\\i no\n$$;\n',
    'create function g() returns text language plpgsql as $body$\nbegin\n\\set no\nend $body$;\n',
    'copy users (id, name) from stdin;\n1\t\\N\n\\N\tbob\n\\.\nselect 1;\n',
    "select 'it''s'\n;\n",
    'select $1, a$b$c from t;\n',
    'select 1 \\g\n',
  ];
  for (const sql of clean) assert.equal(findPsqlMeta(sql), null, sql);
});

test('counts lines through strings and comments; finds a command after COPY data ends', () => {
  assert.deepEqual(findPsqlMeta("select '\n\n';\n/*\n*/\n\\i x\n"), { line: 6, command: '\\i' });
  assert.deepEqual(findPsqlMeta('copy t from stdin;\n\\N\n\\.\n\\i after.sql\n'), { line: 4, command: '\\i' });
  assert.equal(findPsqlMeta('\\.\n'), null, 'a lone end-of-data marker is not a meta-command');
});
