import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers.ts';

const OLD_NODE = '/usr/bin/node';
const old = existsSync(OLD_NODE) && spawnSync(OLD_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout;
const version = old ? old.trim() : '';
const skip = !version || Number(version.split('.')[0]) >= 24 ? `no Node older than 24 at ${OLD_NODE}` : false;

test('npm test on an older Node says which Node to use, without a stack trace', { skip }, () => {
  const run = spawnSync(OLD_NODE, [join(ROOT, 'scripts/require-node.mjs'), 'tests'], { encoding: 'utf8' });
  assert.equal(run.status, 1);
  assert.equal(
    run.stderr,
    `Running migrate-check's tests needs Node 24 (this is Node ${version}, ${OLD_NODE}).\n` +
      'Install Node 24, e.g. `nvm install 24` or `fnm use 24`, or from https://nodejs.org, ' +
      'then run the command again.\n',
  );
});

test('on Node 24 the check is silent and lets the script run', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/require-node.mjs'), 'tests'], { encoding: 'utf8' });
  assert.equal(run.status, 0);
  assert.equal(run.stderr + run.stdout, '');
});
