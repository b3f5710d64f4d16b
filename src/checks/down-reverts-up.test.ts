import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Mismatch } from '../replay.ts';
import { diffSchemas } from '../schema/diff.ts';
import type { CheckContext } from './check.ts';
import { EMPTY_SET, FORMAT, replayOf } from './test-context.ts';
import { downRevertsUp } from './down-reverts-up.ts';

const context = (mismatches: Mismatch[]): CheckContext => ({
  set: EMPTY_SET,
  format: FORMAT,
  replay: replayOf([], mismatches),
});
const before = new Map([['table public.users', 'columns id\nowner postgres']]);
const leftIndex = new Map([
  ...before,
  ['index public.users_email_idx', 'CREATE INDEX users_email_idx ON public.users USING btree (id)'],
]);

test('down-reverts-up: what the down leaves, in its file, with the fix', () => {
  const mismatch: Mismatch = {
    kind: 'down-reverts-up',
    version: '0002',
    file: 'db/0002_idx.down.sql',
    diff: diffSchemas(before, leftIndex),
  };
  assert.deepEqual(downRevertsUp.run(context([mismatch])), [
    {
      file: 'db/0002_idx.down.sql',
      line: null,
      message: 'index `public.users_email_idx` is left behind by 0002_idx.down.sql',
      help:
        'Make the down migration undo exactly what the up does: drop ' +
        'what it creates, recreate what it drops, restore what it alters.',
    },
  ]);
});

test('down-reverts-up: a whole-directory roundtrip names no single down and says how to find it', () => {
  const mismatch: Mismatch = {
    kind: 'down-reverts-up',
    version: null,
    file: 'db',
    diff: diffSchemas(leftIndex, before),
  };
  const [finding] = downRevertsUp.run(context([mismatch]));
  assert.equal(
    finding?.message,
    'index `public.users_email_idx` is missing after running every down after every up (it existed before the up)',
  );
  assert.match(finding!.help, /--roundtrip per-migration/);
});

test(
  'down-reverts-up: an up that differs the second time, and a ' +
    "difference only in column order, are other checks' findings",
  () => {
    const again: Mismatch = {
      kind: 'up-repeatable',
      version: '0002',
      file: 'db/0002_idx.up.sql',
      diff: diffSchemas(before, leftIndex),
    };
    const order: Mismatch = {
      kind: 'down-reverts-up',
      version: '0003',
      file: 'db/0003_x.down.sql',
      diff: diffSchemas(
        new Map([['table public.t', 'columns a, b\nowner postgres']]),
        new Map([['table public.t', 'columns b, a\nowner postgres']]),
      ),
    };
    assert.deepEqual(downRevertsUp.run(context([again, order])), []);
    assert.deepEqual(downRevertsUp.run({ ...context([]), replay: null }), []);
  },
);
