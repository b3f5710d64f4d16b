import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitStatements } from './split.ts';

const texts = (sql: string) => splitStatements(sql).map((u) => u.sql);

test("splits at top-level semicolons and keeps each statement's line and column", () => {
  const units = splitStatements('create table a ();\n\n  create table b ();  -- trailing\ncreate table c ()');
  assert.deepEqual(units, [
    { sql: 'create table a ();', line: 1, column: 1 },
    { sql: 'create table b ();', line: 3, column: 3 },
    { sql: 'create table c ()', line: 4, column: 1 },
  ]);
});

test('never splits inside strings, quoted names, dollar quotes, comments or parentheses', () => {
  assert.deepEqual(texts(`insert into t values ('a;b', 'it''s;');`), [`insert into t values ('a;b', 'it''s;');`]);
  assert.deepEqual(texts(`select E'\\';x' ; select 2;`), [`select E'\\';x' ;`, 'select 2;']);
  assert.deepEqual(texts(`create table "a;b" (x int); select 1;`), ['create table "a;b" (x int);', 'select 1;']);
  const fn = 'create function f() returns int language plpgsql as $body$ begin return 1; end; $body$;';
  assert.deepEqual(texts(`${fn}\nselect $$;$$;`), [fn, 'select $$;$$;']);
  assert.deepEqual(texts('/* a; /* nested; */ still; */ select 1; -- x;\nselect 2;'), ['select 1;', 'select 2;']);
  assert.deepEqual(
    texts('create rule r as on insert to t do also (insert into u values (1); insert into u values (2));'),
    ['create rule r as on insert to t do also (insert into u values (1); insert into u values (2));'],
  );
});

test('keeps a SQL-standard function body (BEGIN ATOMIC … END) whole', () => {
  const body =
    'create function f(x int) returns text language sql begin atomic ' +
    "select case when x > 0 then 'p' else 'n' end; select 'z'; end;";
  assert.deepEqual(texts(`${body}\nselect 1;`), [body, 'select 1;']);
});

test('drops comment-only and empty statements; $1 parameters are not dollar quotes', () => {
  assert.deepEqual(texts('-- only a comment\n;;\n/* x */'), []);
  assert.deepEqual(texts('prepare p as select $1; select 2;'), ['prepare p as select $1;', 'select 2;']);
});

test('COPY … FROM STDIN data is kept whole on its unit when the runner reads it from the script', () => {
  const sql = 'copy t from stdin; -- rest of line skipped\n1\ta;b\n\\N\n\\.\nselect 2;\ncopy u from stdin;\n3\n';
  const isCopy = (s: string) => /^copy\b.*\bfrom\s+stdin\b/is.test(s);
  assert.deepEqual(splitStatements(sql, 1, { copyFromStdin: isCopy }), [
    { sql: 'copy t from stdin;', line: 1, column: 1, copyData: '1\ta;b\n\\N\n' },
    { sql: 'select 2;', line: 5, column: 1 },
    { sql: 'copy u from stdin;', line: 6, column: 1, copyData: '3\n', copyUnterminated: true },
  ]);
  assert.equal(splitStatements(sql).length, 5, 'without the option the data is SQL, as Postgres would read it');
});
