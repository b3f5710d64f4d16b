import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers.ts';

// CI is a contributor on a fresh machine: after its bootstrap it runs the README's commands, no more, no fewer.
test('.ci/run ends with exactly the commands the README gives contributors', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /Contributors, on a fresh machine with Node 24:\n\n```sh\n([^`]*)```/.exec(readme);
  assert.ok(block, 'the README has a contributors block');
  const commands = block[1]!.trim().split('\n');
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8')
    .trim()
    .split('\n');
  assert.deepEqual(ci.slice(-commands.length), commands);
  assert.match(ci.at(-commands.length - 1)!, /^# The README's commands\.$/);
});
