// The commit a report records (`headCommit`) is git's own `HEAD`, in every shape of repository:
// read from the files where they are plain, from git where they are not.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { headCommit } from './git.ts';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=h@example.com', '-c', 'user.name=h', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
const gitHead = (cwd: string) => {
  try {
    return git(cwd, 'rev-parse', '--verify', '--quiet', 'HEAD') || null;
  } catch {
    return null;
  }
};

function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mc-head-'));
  made.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

const commit = (dir: string, file: string) => {
  writeFileSync(join(dir, file), file);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', file);
};

test("headCommit is git's HEAD: a branch, packed refs, detached, a subfolder, a worktree, unborn, no repository", async () => {
  const dir = repository();
  assert.equal(await headCommit(dir), null, 'an unborn branch has no commit');
  commit(dir, 'a');
  assert.equal(await headCommit(dir), gitHead(dir), 'a loose branch ref');
  commit(dir, 'b');
  git(dir, 'pack-refs', '--all');
  assert.equal(await headCommit(dir), gitHead(dir), 'a packed branch ref');
  mkdirSync(join(dir, 'db', 'migrations'), { recursive: true });
  assert.equal(await headCommit(join(dir, 'db', 'migrations')), gitHead(dir), 'from a subfolder');
  git(dir, 'checkout', '-q', '--detach', 'HEAD~1');
  assert.equal(await headCommit(dir), gitHead(dir), 'a detached HEAD');
  assert.notEqual(gitHead(dir), null);
  git(dir, 'checkout', '-q', 'main');
  const tree = join(dir, '..', `${dir.split('/').at(-1)}-worktree`);
  made.push(tree);
  git(dir, 'worktree', 'add', '-q', '-b', 'other', tree, 'HEAD~1');
  assert.equal(await headCommit(tree), gitHead(tree), 'a worktree (its .git is a file)');
  assert.notEqual(await headCommit(tree), await headCommit(dir));
  const outside = mkdtempSync(join(tmpdir(), 'mc-head-none-'));
  made.push(outside);
  assert.equal(await headCommit(outside), gitHead(outside));
});
