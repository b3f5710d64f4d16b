import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHECK_IDS } from './check-ids.ts';
import { checks } from './index.ts';

test('the check ids formats may name are the ids of the registry, in its order', () => {
  assert.deepEqual(
    checks.map((c) => c.id),
    [...CHECK_IDS],
  );
});
