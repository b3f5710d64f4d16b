import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffSchemas } from '../schema/diff.ts';
import { describeDiff } from './describe-diff.ts';

const words = { left: 'is left behind', missing: 'is missing', changed: 'is not restored' };

test('a column left behind is reported once, not again as a change of its table', () => {
  const before = new Map([['table public.users', 'columns id, email\nowner postgres'], ['column public.users.id', 'type bigint']]);
  const after = new Map([...before, ['table public.users', 'columns id, email, nickname_old\nowner postgres'], ['column public.users.nickname_old', 'type text']]);
  assert.deepEqual(describeDiff(diffSchemas(before, after), words), ['column `public.users.nickname_old` is left behind']);
});

test('columns in another order, or another table property, are still reported on the table', () => {
  const before = new Map([['table public.t', 'columns a, b\nowner postgres']]);
  const reordered = describeDiff(diffSchemas(before, new Map([['table public.t', 'columns b, a\nowner postgres']])), words);
  assert.match(reordered[0] ?? '', /^table `public\.t` is not restored:\n-columns a, b\n\+columns b, a/);
  const rls = describeDiff(diffSchemas(before, new Map([['table public.t', 'columns a, b\nrow level security\nowner postgres']])), words);
  assert.match(rls[0] ?? '', /\+row level security/);
});
