import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repo, ROOT } from './helpers.ts';

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

test('the CLI on a Node older than 22 says which Node to use, exit 2, without a stack trace', { skip }, () => {
  const run = spawnSync(OLD_NODE, [join(ROOT, 'dist/cli.cjs'), 'db'], { encoding: 'utf8' });
  assert.equal(run.status, 2, run.stderr);
  assert.equal(
    run.stderr,
    `migrate-check needs Node 22 or newer; this is Node ${version} (${OLD_NODE}).\n` +
      'Install Node 24 (`nvm install 24`, `fnm use 24`, or https://nodejs.org) and run it again.\n',
  );
});

// The oldest Node package.json's engines allows: .ci/run puts one in .tools/node22.
const NODE_22 = join(ROOT, '.tools', 'node22', 'node_modules', '.bin', 'node');
const skip22 = existsSync(NODE_22) ? false : `no Node 22 at ${NODE_22} (.ci/run installs one)`;

test('on Node 22 the CLI checks a PR from a cached base state, and long directories in ranges side by side', {
  skip: skip22,
}, () => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 300; i++) {
    const v = String(i).padStart(4, '0');
    files[`db/${v}_t${i}.up.sql`] = `CREATE TABLE t${i} (id int PRIMARY KEY);\n`;
    files[`db/${v}_t${i}.down.sql`] = `DROP TABLE t${i};\n`;
  }
  const dir = repo(files, (d) => {
    writeFileSync(join(d, 'db', '0301_note.up.sql'), 'ALTER TABLE t1 ADD COLUMN note text;\n');
    writeFileSync(join(d, 'db', '0301_note.down.sql'), 'SELECT 1;\n');
  });
  const cache = mkdtempSync(join(tmpdir(), 'mc-node22-cache-'));
  try {
    const cli = (...args: string[]) =>
      spawnSync(NODE_22, [join(ROOT, 'dist/cli.cjs'), 'db', '--no-observe', '--no-seed', ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, MIGRATE_CHECK_CACHE: cache, CI: '' },
      });
    // Every migration, in two ranges on two servers of their own.
    const whole = cli('--jobs', '2');
    assert.equal(whole.status, 1, whole.stderr);
    assert.match(whole.stdout, /db {2}golang-migrate · 301 migrations · 903 steps/);
    assert.match(whole.stdout, /down-reverts-up/);
    const saving = cli('--base', 'main');
    assert.equal(saving.status, 1, saving.stderr);
    assert.match(saving.stderr, /Saved the state after the 300 merged migrations of db/);
    const cached = cli('--base', 'main');
    assert.equal(cached.status, 1, cached.stderr);
    assert.match(
      cached.stdout.replace(/\s+/g, ' '),
      /The 300 merged migrations in db \(through 0300\) were not replayed/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
});
