import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { before, test } from 'node:test';
import { loadModule, parseSync } from 'libpg-query';
import { CORPUS, ROOT } from '../../test/helpers.ts';
import { splitStatements } from './split.ts';

/**
 * The splitter held to Postgres' own parser (libpg_query, the server's grammar built to
 * WebAssembly): wherever the parser accepts a script, our statements must start and end where
 * its statements do. Each side is compared as text, from the statement's first token to its
 * last one before the semicolon.
 */

/** The corpus: MIGRATE_CHECK_CORPUS, `../shared/corpus` beside the checkout, or beside its worktree folder. */
const corpus = [process.env.MIGRATE_CHECK_CORPUS, CORPUS, resolve(ROOT, '..', '..', 'shared', 'corpus')].find(
  (dir): dir is string => Boolean(dir) && existsSync(dir!),
);

/** Placeholders the corpus' tools render before Postgres sees the file. */
const render = (sql: string) =>
  sql.replaceAll('/* TEMPLATE: schema */', '').replaceAll(':GRAPHILE_WORKER_SCHEMA', 'graphile_worker');

/** Drops blanks and comments (line comments and nested block comments) before the first token. */
function fromFirstToken(text: string): string {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('--', i)) i = text.includes('\n', i) ? text.indexOf('\n', i) + 1 : text.length;
    else if (text.startsWith('/*', i)) {
      let nest = 1;
      for (i += 2; i < text.length && nest > 0; ) {
        if (text.startsWith('/*', i)) nest++, (i += 2);
        else if (text.startsWith('*/', i)) nest--, (i += 2);
        else i++;
      }
    } else return text.slice(i);
  }
}

interface RawStmt {
  stmt_location?: number;
  stmt_len?: number;
}

/** The parser's statements (locations are in UTF-8 bytes), or null when it refuses the script. */
function parserStatements(sql: string): string[] | null {
  // libpg_query refuses an empty string ("Query cannot be empty"); the server runs it as nothing.
  if (!sql.trim()) return [];
  let stmts: RawStmt[];
  try {
    stmts = (parseSync(sql) as { stmts?: RawStmt[] }).stmts ?? [];
  } catch {
    return null;
  }
  const bytes = Buffer.from(sql);
  return stmts.map((s) => {
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    return fromFirstToken(bytes.subarray(start, end).toString()).trimEnd();
  });
}

const ours = (sql: string) => splitStatements(sql).map((u) => u.sql.replace(/;$/, '').trimEnd());

function sqlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sql'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

before(() => loadModule());

test("the splitter cuts every corpus file where Postgres' parser does", {
  skip: corpus ? false : 'no corpus folder (../shared/corpus, or set MIGRATE_CHECK_CORPUS)',
}, (t) => {
  const dir = corpus as string;
  const files = sqlFiles(dir);
  let compared = 0;
  let rendered = 0;
  let statements = 0;
  const refused: string[] = [];
  const disagreements: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const sql = render(text);
    if (sql !== text) rendered++;
    const expected = parserStatements(sql);
    if (!expected) {
      refused.push(relative(dir, file));
      continue;
    }
    compared++;
    statements += expected.length;
    const got = ours(sql);
    const at = got.findIndex((s, k) => s !== expected[k]);
    if (got.length !== expected.length || at >= 0) {
      const k = at >= 0 ? at : Math.min(got.length, expected.length);
      disagreements.push(
        `${relative(dir, file)} statement ${k + 1}: ours ${JSON.stringify(got[k]?.slice(0, 80))}, ` +
          `Postgres ${JSON.stringify(expected[k]?.slice(0, 80))}`,
      );
    }
  }
  t.diagnostic(
    `${files.length} .sql files; ${compared} accepted by the parser and compared (${statements} statements), ` +
      `${compared - disagreements.length} agree`,
  );
  t.diagnostic(`${rendered} rendered first (River's schema template, Graphile Worker's schema placeholder)`);
  t.diagnostic(`${refused.length} not compared, the parser refuses them: ${refused.join(', ') || 'none'}`);
  assert.deepEqual(disagreements, []);
  assert.ok(compared > files.length / 2, `only ${compared} of ${files.length} files compared`);
});

/** Inputs chosen for the places a splitter goes wrong. */
const TRICKY = [
  "select 'a;b'; select 'it''s; fine';",
  "select E'\\';x'; select e'\\\\'; select 'back\\'; select 2;",
  "select U&'d\\0061t;a'; select B'1010'; select X'1F';",
  'select $$;$$; select $tag$ a $$ ; $tag$; select $t1$;$t1$;',
  'create function f() returns int language plpgsql as $body$ begin return 1; end; $body$; select 1;',
  '/* a; /* nested; */ still; */ select 1; -- x;\nselect 2;',
  'select 1 /* ; */ + 2; -- ;\n/* only a comment */',
  'create function g(x int) returns text language sql begin atomic ' +
    "select case when x > 0 then 'p' else 'n' end; select 'z'; end; select 3;",
  'create procedure p() language sql begin atomic insert into t values (1); insert into t values (2); end; call p();',
  'prepare q as select $1; execute q(1);',
  'create table a$b (c$ int); select a$b.c$ from a$b; select 1;',
  'select "a;b" from "x"";y"; select 1;',
  'create rule r as on insert to t do also (insert into u values (1); insert into u values (2)); select 1;',
  'select 1;;; select 2',
  "do $$ begin raise notice 'x;y'; end $$; select ';' as \"$$\";",
  "select 'é;ü', $é$ ; $é$; select 2;",
  'select case when true then 1 else 2 end; begin; select 1; end; select 2;',
];

test("the splitter cuts tricky inputs where Postgres' parser does", (t) => {
  for (const sql of TRICKY) {
    const expected = parserStatements(sql);
    assert.ok(expected, `the parser refuses the case itself: ${sql}`);
    assert.deepEqual(ours(sql), expected, sql);
  }
  t.diagnostic(`${TRICKY.length} tricky inputs, ${TRICKY.length} agree`);
});
