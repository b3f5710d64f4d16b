import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffSchemas } from '../schema/diff.ts';
import { columnMoves, describeDiff } from './describe-diff.ts';

const words = { left: 'is left behind', missing: 'is missing', changed: 'is not restored' };

test('a column left behind is reported once, not again as a change of its table', () => {
  const before = new Map([
    ['table public.users', 'columns id, email\nowner postgres'],
    ['column public.users.id', 'type bigint'],
  ]);
  const after = new Map([
    ...before,
    ['table public.users', 'columns id, email, nickname_old\nowner postgres'],
    ['column public.users.nickname_old', 'type text'],
  ]);
  assert.deepEqual(describeDiff(diffSchemas(before, after), words), [
    'column `public.users.nickname_old` is left behind',
  ]);
});

test('columns only in another order are no difference here; another table property is, without the column list', () => {
  const before = new Map([['table public.t', 'columns a, b\nowner postgres']]);
  const after = (def: string) => new Map([['table public.t', def]]);
  assert.deepEqual(describeDiff(diffSchemas(before, after('columns b, a\nowner postgres')), words), []);
  const rls = describeDiff(diffSchemas(before, after('columns b, a\nrow level security\nowner postgres')), words);
  assert.deepEqual(rls, ['table `public.t` is not restored:\n+row level security\n owner postgres']);
});

test('a function body line that starts with "columns" is still compared', () => {
  const fn = (body: string) => new Map([['function public.f()', `CREATE FUNCTION f()\ncolumns ${body}`]]);
  assert.equal(describeDiff(diffSchemas(fn('a'), fn('b')), words).length, 1);
});

test('columnMoves: a re-added column is the one that moved, with its positions among all columns', () => {
  const table = (cols: string) => new Map([['table public.users', `columns ${cols}\nowner postgres`]]);
  const reAdded = diffSchemas(table('id, email, name, created_at'), table('id, name, created_at, email'));
  assert.deepEqual(columnMoves(reAdded), [
    { relation: 'public.users', columns: [{ name: 'email', before: 2, after: 4 }], beforeCount: 4, afterCount: 4 },
  ]);
  // A column left behind (x) and one missing (name) are not moves; the order of the rest is compared.
  assert.deepEqual(columnMoves(diffSchemas(table('id, email, name, "Zip"'), table('id, "Zip", x, email'))), [
    { relation: 'public.users', columns: [{ name: 'email', before: 2, after: 4 }], beforeCount: 4, afterCount: 4 },
  ]);
  assert.deepEqual(columnMoves(diffSchemas(table('a, b'), table('a, b, c'))), []);
});

test('a view whose select list is only in another order is no difference here; any other change to it is', () => {
  const view = (columns: string, query: string) =>
    new Map([['view public.v', `definition  SELECT ${query}\ncolumns ${columns}\nowner postgres`]]);
  const before = view('id, parent_id, email', 'id,\n    parent_id,\n    email\n   FROM public.users;');
  const reordered = view('id, email, parent_id', 'id,\n    email,\n    parent_id\n   FROM public.users;');
  assert.deepEqual(describeDiff(diffSchemas(before, reordered), words), []);
  assert.equal(columnMoves(diffSchemas(before, reordered)).length, 1, 'column-order tells it');
  const filtered = view(
    'id, email, parent_id',
    'id,\n    email,\n    parent_id\n   FROM public.users\n  WHERE id > 1;',
  );
  assert.equal(describeDiff(diffSchemas(before, filtered), words).length, 1);
  const otherExpression = view(
    'id, email, parent_id',
    'id,\n    lower(email) AS email,\n    parent_id\n   FROM public.users;',
  );
  assert.equal(describeDiff(diffSchemas(before, otherExpression), words).length, 1);
});

test('a view whose lines only moved but whose meaning changed is still a difference (CASE branches, a WITH)', () => {
  const view = (columns: string, body: string) =>
    new Map([['view public.v', `definition  SELECT ${body}\ncolumns ${columns}\nowner postgres`]]);
  // Two branches of one CASE swapped: the same lines, another result.
  const caseOf = (first: string, second: string) =>
    view(
      'id, size',
      `id,\n        CASE\n            ${first}\n            ${second}\n            ELSE 'none'::text\n        END AS size\n   FROM public.orders;`,
    );
  const big = "WHEN (amount > 100) THEN 'big'::text";
  const some = "WHEN (amount > 0) THEN 'some'::text";
  assert.equal(describeDiff(diffSchemas(caseOf(big, some), caseOf(some, big)), words).length, 1);
  // A WITH whose inner select list moved: the view's columns keep their names, not their values.
  const withOf = (inner: string) =>
    new Map([
      [
        'view public.w',
        `definition  WITH w(x, y) AS (\n         SELECT ${inner}\n           FROM public.t\n        )\n SELECT x,\n    y\n   FROM w;\ncolumns x, y\nowner postgres`,
      ],
    ]);
  assert.equal(describeDiff(diffSchemas(withOf('a,\n            b'), withOf('b,\n            a')), words).length, 1);
});

test('a function restored with other comments or indentation is restored; one whose code or strings differ is not', () => {
  const fn = (body: string) =>
    new Map([
      [
        'function public.f()',
        `CREATE OR REPLACE FUNCTION public.f()\n RETURNS integer\n LANGUAGE plpgsql\nAS $function$\n${body}\n$function$`,
      ],
    ]);
  const original =
    "BEGIN\n    -- step 1: the count\n    /* kept for the audit */\n    RAISE NOTICE 'a -- b';\n    RETURN 1;\nEND;";
  const same = [
    "BEGIN\n    RAISE NOTICE 'a -- b';\n    RETURN 1;\nEND;",
    "BEGIN\n  RAISE NOTICE 'a -- b';   -- said\n  RETURN 1;\nEND;",
  ];
  for (const body of same) assert.deepEqual(describeDiff(diffSchemas(fn(original), fn(body)), words), [], body);
  const changed = [
    "BEGIN\n    RAISE NOTICE 'a -- c';\n    RETURN 1;\nEND;", // a string's text
    "BEGIN\n    RAISE NOTICE 'a  -- b';\n    RETURN 1;\nEND;", // a string's spacing
    "BEGIN\n    RAISE NOTICE 'a -- b';\n    RETURN 2;\nEND;",
  ];
  for (const body of changed) assert.equal(describeDiff(diffSchemas(fn(original), fn(body)), words).length, 1, body);
  // Any other object's text is compared as it is.
  const comment = (text: string) => new Map([['table public.t', `columns a\ncomment ${text}`]]);
  assert.equal(describeDiff(diffSchemas(comment('a  b'), comment('a b')), words).length, 1);
});
