import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Mismatch } from '../replay.ts';
import { diffSchemas } from '../schema/diff.ts';
import type { CheckContext } from './check.ts';
import { EMPTY_SET, FORMAT, replayOf } from './test-context.ts';
import { columnOrder } from './column-order.ts';
import { upRepeatable } from './up-repeatable.ts';

const table = (cols: string) => new Map([['table public.t', `columns ${cols}\nowner postgres`]]);
const context = (mismatches: Mismatch[]): CheckContext => ({
  set: EMPTY_SET,
  format: FORMAT,
  replay: replayOf([], mismatches),
});

test('column-order: an up that adds its columns in another order the second time; several columns on one line', () => {
  const diff = diffSchemas(table('id, a, b, c, d, e'), table('id, c, d, e, a, b'));
  const mismatch: Mismatch = { kind: 'up-repeatable', version: '0007', file: 'db/0007_x.up.sql', diff };
  const [finding, ...rest] = columnOrder.run(context([mismatch]));
  assert.deepEqual(rest, []);
  assert.equal(finding?.file, 'db/0007_x.up.sql');
  assert.equal(
    finding?.message.split('\n')[0],
    "`public.t.a` and `public.t.b` were columns 2 and 3 of 6 after 0007's up " +
      'and are columns 5 and 6 of 6 when it is applied again after its down.',
  );
  assert.match(finding?.message ?? '', /after a rollback and a redeploy they get the columns in another order\.$/);
  // up-repeatable says nothing about an order-only difference.
  assert.deepEqual(upRepeatable.run(context([mismatch])), []);
});

test('column-order: the whole-directory roundtrip, and nothing when only columns were added or removed', () => {
  const swapped = diffSchemas(table('id, a, b'), table('id, b, a'));
  const all: Mismatch = { kind: 'down-reverts-up', version: null, file: 'db', diff: swapped };
  assert.equal(
    columnOrder.run(context([all]))[0]?.message.split('\n')[0],
    '`public.t.a` was column 2 of 3 before the first up and is column 3 of 3 after every down.',
  );
  const diff = diffSchemas(table('id, a'), table('id, a, b'));
  const added: Mismatch = { kind: 'down-reverts-up', version: '1', file: 'db/1.down.sql', diff };
  assert.deepEqual(columnOrder.run(context([added])), []);
});
