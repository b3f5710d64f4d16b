/**
 * `base-cache` on the container server: a PR check with `--base` saves the state the merged
 * migrations leave (a copy of the container's data directory), and the next check starts its
 * container from it and replays only what the PR adds, with the same verdict, findings and
 * schemas. An entry that does not hash to what it was saved as is removed and not used. In the
 * Action, the entry is kept in the runner's cache (a real HTTP cache service on 127.0.0.1) and
 * restored from it on a runner whose cache folder is empty. Real runs of the bundled CLI and
 * Action on the Docker engine; no container outlives a run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { fakeCacheService } from './cache-fake.ts';
import { fakeGitHub, runAction } from './github-fake.ts';
import {
  assertFromState,
  cacheFolder,
  cli,
  dockerUnavailable,
  findingsOf,
  jsonRun,
  labelledContainers,
  prEvent,
  repo,
} from './helpers.ts';

const MERGED = 24;
const IMAGE = process.env.MIGRATE_CHECK_TEST_IMAGE ?? '';
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const pad = (n: number) => String(n).padStart(4, '0');

/** MERGED merged migrations on main; the PR adds one that roundtrips and one whose down leaves a column. */
function history(): string {
  const base: Record<string, string> = {};
  for (let i = 1; i <= MERGED; i++) {
    base[`db/${pad(i)}_t${i}.up.sql`] = `CREATE TABLE t${i} (id bigint PRIMARY KEY, note text);\n`;
    base[`db/${pad(i)}_t${i}.down.sql`] = `DROP TABLE t${i};\n`;
  }
  const dir = repo(base, (d) => {
    writeFileSync(join(d, 'db', `${pad(MERGED + 1)}_add_email.up.sql`), 'ALTER TABLE t1 ADD COLUMN email text;\n');
    writeFileSync(join(d, 'db', `${pad(MERGED + 1)}_add_email.down.sql`), 'ALTER TABLE t1 DROP COLUMN email;\n');
    writeFileSync(join(d, 'db', `${pad(MERGED + 2)}_add_flag.up.sql`), 'ALTER TABLE t2 ADD COLUMN flag boolean;\n');
    writeFileSync(join(d, 'db', `${pad(MERGED + 2)}_add_flag.down.sql`), 'SELECT 1;\n');
  });
  made.push(dir);
  return dir;
}

async function check(cwd: string, cache: string, ...args: string[]) {
  const r = await cli(
    ['db', '--base', 'main', '--database', 'container', '--postgres-image', IMAGE, '--output', 'json'].concat(
      '--no-observe',
      '--no-seed',
      args,
    ),
    { cwd, env: { MIGRATE_CHECK_CACHE: cache, CI: '' } },
  );
  return jsonRun(r);
}

const states = (cache: string) =>
  existsSync(join(cache, 'container-states'))
    ? readdirSync(join(cache, 'container-states')).filter((n) => !n.includes('.partial-'))
    : [];

/** A history whose first check saved its state, in a cache folder of its own: the entry's name. */
async function savedState() {
  const cwd = history();
  const cache = cacheFolder(made, 'mc-container-cache-');
  await check(cwd, cache);
  const [name] = states(cache);
  assert.ok(name, 'a state was saved');
  return { cwd, cache, name };
}

const skip = dockerUnavailable();
describe('base-cache on the container server', { skip }, () => {
  test('the second check starts its container from the saved state: same verdict, findings and schemas', async () => {
    const cwd = history();
    const cache = cacheFolder(made, 'mc-container-cache-');
    const first = await check(cwd, cache);
    assert.equal(first.code, 1, first.stderr);
    assert.equal(first.dir.cachedBase, undefined);
    assert.match(first.stderr, new RegExp(`Saved the state after the ${MERGED} merged migrations of db`));
    assert.equal(states(cache).length, 1, 'one base state saved');

    const second = await check(cwd, cache);
    assert.match(second.stderr, /container from a cached base state/);
    assertFromState(first, second, { merged: MERGED, through: pad(MERGED), added: [pad(MERGED + 1), pad(MERGED + 2)] });
    assert.ok(
      findingsOf(second.report).some((f) => f.startsWith(`down-reverts-up db/${pad(MERGED + 2)}_add_flag.down.sql`)),
      JSON.stringify(second.report.findings),
    );

    // A merged migration edited on main: its key differs, the state is not used.
    const git = (...a: string[]) => execFileSync('git', a, { cwd, stdio: 'pipe' });
    git('checkout', '-q', 'main');
    appendFileSync(join(cwd, 'db', `${pad(3)}_t3.up.sql`), 'CREATE INDEX ON t3 (note);\n');
    git('commit', '-qam', 'index');
    git('checkout', '-q', 'pr');
    git('rebase', '-q', 'main');
    const third = await check(cwd, cache);
    assert.equal(third.dir.cachedBase, undefined, 'a state of other merged files is not used');
    assert.doesNotMatch(third.stderr, /from a cached base state/);
    for (const run of [first, second, third]) assert.equal(labelledContainers(run.pid), '', 'no container is left');
  });

  test('an entry changed after it was saved is removed, and the run replays the merged migrations', async () => {
    const { cwd, cache, name } = await savedState();
    appendFileSync(join(cache, 'container-states', name, 'state.tar'), 'x');
    const second = await check(cwd, cache);
    assert.match(second.stderr, /did not match what it was saved as: removed it/);
    assert.equal(second.dir.cachedBase, undefined);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`Saved the state after the ${MERGED} merged migrations`), 'saved again');
    assert.equal(labelledContainers(second.pid), '', 'no container is left');
  });

  test('an entry that does not start is removed, and the run starts its container without it', async () => {
    const { cwd, cache, name } = await savedState();
    // An archive the image's tar cannot unpack, sealed as the entry was (its hash and keys hold).
    const folder = join(cache, 'container-states', name);
    const entry = JSON.parse(readFileSync(join(folder, 'entry.json'), 'utf8')) as { sha256: string };
    const broken = join(cache, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'mc-base.tar.gz'), 'not a gzip file\n');
    execFileSync('tar', ['-cf', join(folder, 'state.tar'), '-C', broken, 'mc-base.tar.gz']);
    entry.sha256 = createHash('sha256')
      .update(readFileSync(join(folder, 'state.tar')))
      .digest('hex');
    writeFileSync(join(folder, 'entry.json'), JSON.stringify(entry));
    const second = await check(cwd, cache);
    assert.match(second.stderr, /did not start from the cached base state .*: removed it, and starting without it/);
    assert.equal(second.code, 1, second.stderr);
    assert.equal(second.dir.cachedBase, undefined);
    assert.match(second.stderr, new RegExp(`Saved the state after the ${MERGED} merged migrations`), 'saved again');
    assert.equal(labelledContainers(second.pid), '', 'no container is left');
  });

  test("the Action keeps the state in the runner's cache, and a fresh runner starts from it", async () => {
    const cwd = history();
    const payload = prEvent(cwd);
    const github = await fakeGitHub();
    const service = await fakeCacheService();
    try {
      // Each job's runner starts with an empty cache folder, at the same path (the runner's home).
      const cache = cacheFolder(made, 'mc-runner-cache-');
      const runner = async () => {
        rmSync(join(cache, 'container-states'), { recursive: true, force: true });
        return runAction({
          cwd,
          apiUrl: github.url,
          event: 'pull_request',
          payload,
          inputs: { path: 'db', 'postgres-image': IMAGE, 'base-cache': 'true', observe: 'false', seed: 'false' },
          env: { ...service.env, MIGRATE_CHECK_CACHE: cache, GITHUB_WORKSPACE: cwd },
        });
      };
      const first = await runner();
      assert.equal(first.code, 1, first.log);
      assert.match(first.log, /Saved the state after the 24 merged migrations of db/);
      assert.match(first.log, /Kept the base state [0-9a-f]{32} in the runner's cache/);
      assert.equal(service.keys().length, 1, service.calls.join('\n'));
      assert.match(service.keys()[0]!, /^migrate-check-state-[0-9a-f]{32}$/);

      const second = await runner();
      assert.match(second.log, /Restored the base state [0-9a-f]{32} from the runner's cache/);
      assert.match(second.log, /container from a cached base state/);
      const [one, two] = [first, second].map((r) => JSON.parse(r.report!) as Report);
      assert.deepEqual(two!.directories[0]!.cachedBase, { migrations: MERGED, through: pad(MERGED) });
      assert.equal(second.code, first.code, second.log);
      assert.deepEqual(findingsOf(two!), findingsOf(one!));
      assert.equal(two!.directories[0]!.schema.diff, one!.directories[0]!.schema.diff);
      assert.equal(service.keys().length, 1, 'nothing more saved');
      assert.equal(service.calls.filter((c) => c.startsWith('CreateCacheEntry')).length, 1, service.calls.join('\n'));
      assert.doesNotMatch(second.log, /Saving the state/, 'a state that was used is not built again');
      assert.equal(labelledContainers(first.pid), '', 'the first run left no container');
      assert.equal(labelledContainers(second.pid), '', 'the second run left no container');
    } finally {
      await service.close();
      await github.close();
    }
  });

  test("a push to main keeps the state of all its migrations in the runner's cache; a pull request's first job starts from it", async () => {
    const cwd = history();
    const github = await fakeGitHub();
    const service = await fakeCacheService();
    const git = (...a: string[]) => execFileSync('git', a, { cwd, stdio: 'pipe', encoding: 'utf8' }).trim();
    try {
      const cache = cacheFolder(made, 'mc-runner-cache-');
      const job = async (event: string, payload: unknown, inputs: Record<string, string> = {}) => {
        rmSync(join(cache, 'container-states'), { recursive: true, force: true });
        return runAction({
          cwd,
          apiUrl: github.url,
          event,
          payload,
          inputs: {
            path: 'db',
            'postgres-image': IMAGE,
            'base-cache': 'true',
            observe: 'false',
            seed: 'false',
            ...inputs,
          },
          env: {
            ...service.env,
            MIGRATE_CHECK_CACHE: cache,
            GITHUB_WORKSPACE: cwd,
            GITHUB_SHA: git('rev-parse', 'HEAD'),
          },
        });
      };
      git('checkout', '-q', 'main');
      const pushed = {
        ref: 'refs/heads/main',
        after: git('rev-parse', 'main'),
        repository: { full_name: 'acme/shop' },
      };
      const push = await job('push', pushed);
      assert.equal(push.code, 0, push.log);
      assert.match(push.log, new RegExp(`Saved the state after the ${MERGED} migrations of db`));
      assert.match(push.log, /Kept the base state [0-9a-f]{32} in the runner's cache/);
      assert.equal(service.keys().length, 1, service.calls.join('\n'));
      // The next push of the same migrations (a commit that changes none) builds nothing.
      const again = await job('push', pushed);
      assert.equal(again.code, 0, again.log);
      assert.match(again.log, new RegExp(`The state after the ${MERGED} migrations of db is saved already`));
      assert.doesNotMatch(again.log, /Saving the state/);
      assert.equal(service.calls.filter((c) => c.startsWith('CreateCacheEntry')).length, 1, service.calls.join('\n'));

      git('checkout', '-q', 'pr');
      const replayed = await job('pull_request', prEvent(cwd), { 'base-cache': 'false' });
      const pr = await job('pull_request', prEvent(cwd));
      assert.match(pr.log, /Restored the base state [0-9a-f]{32} from the runner's cache/);
      assert.match(pr.log, /container from a cached base state/);
      assert.doesNotMatch(pr.log, /Saving the state/, 'the first job of the pull request built no state');
      const [one, two] = [replayed, pr].map((r) => JSON.parse(r.report!) as Report);
      assert.deepEqual(two!.directories[0]!.cachedBase, { migrations: MERGED, through: pad(MERGED) });
      assert.equal(pr.code, replayed.code, pr.log);
      assert.equal(pr.code, 1, 'the pull request adds a down that leaves a column');
      assert.deepEqual(findingsOf(two!), findingsOf(one!));
      assert.equal(two!.directories[0]!.schema.diff, one!.directories[0]!.schema.diff);
      for (const r of [push, again, replayed, pr]) assert.equal(labelledContainers(r.pid), '', 'no container is left');
    } finally {
      await service.close();
      await github.close();
    }
  });

  for (const status of [403, 503])
    test(`a cache service that refuses every call (${status}): the job checks as without it, and says so in its log, not in annotations`, async () => {
      const cwd = history();
      const github = await fakeGitHub();
      const service = await fakeCacheService({ refuse: status });
      try {
        const run = await runAction({
          cwd,
          apiUrl: github.url,
          event: 'pull_request',
          payload: prEvent(cwd),
          inputs: { path: 'db', 'postgres-image': IMAGE, 'base-cache': 'true', observe: 'false', seed: 'false' },
          env: { ...service.env, MIGRATE_CHECK_CACHE: cacheFolder(made, 'mc-runner-cache-'), GITHUB_WORKSPACE: cwd },
        });
        assert.equal(run.code, 1, run.log);
        const report = JSON.parse(run.report!) as Report;
        assert.ok(findingsOf(report).some((f) => f.startsWith(`down-reverts-up db/${pad(MERGED + 2)}_add_flag`)));
        assert.match(run.log, /^cache: Failed to restore: /m);
        // The cache's failures are no annotations of the job (a 5xx was an error one beside the verdict).
        assert.doesNotMatch(run.log, /^::(warning|error)[^\n]*::[^\n]*(Failed to (restore|save)|refused by the test)/m);
        assert.match(
          run.log,
          /Could not keep the base state in the runner's cache \(base-cache\)|cache: Failed to save/,
        );
        assert.match(run.log, /Saved the state after the 24 merged migrations of db/);
        assert.doesNotMatch(run.log, /Kept the base state/);
        assert.equal(service.keys().length, 0);
        assert.equal(labelledContainers(run.pid), '', 'no container is left');
      } finally {
        await service.close();
        await github.close();
      }
    });
});
