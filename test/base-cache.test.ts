/**
 * `base-cache`: a PR check with `--base` saves the state the merged migrations leave, and the next
 * check of the branch starts from it and replays only what the PR adds, with the same verdict,
 * findings and schemas; a state whose key differs, or an entry changed after it was sealed, is
 * never used. Real runs of the bundled CLI, each with a cache folder of its own (the template
 * cluster is shared with the machine's cache, so no test waits for initdb).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { assertFromState, cacheFolder, cli, findingsOf, jsonRun, repo } from './helpers.ts';

const MERGED = 24;
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const pad = (n: number) => String(n).padStart(4, '0');

/** golang-migrate files: MERGED merged migrations on main, and what `pr` adds on the PR branch. */
function history(files: Record<string, string> = {}, pr: Record<string, string> = {}): string {
  const base: Record<string, string> = {};
  for (let i = 1; i <= MERGED; i++) {
    base[`db/${pad(i)}_t${i}.up.sql`] = `CREATE TABLE t${i} (id bigint PRIMARY KEY, note text);\n`;
    base[`db/${pad(i)}_t${i}.down.sql`] = `DROP TABLE t${i};\n`;
  }
  Object.assign(base, files);
  const dir = repo(base, (d) => {
    for (const [file, text] of Object.entries(pr)) writeFileSync(join(d, file), text);
  });
  made.push(dir);
  return dir;
}

/** The PR: one migration that roundtrips, one whose down leaves a column behind. */
const ADDS = {
  [`db/${pad(MERGED + 1)}_add_email.up.sql`]: 'ALTER TABLE t1 ADD COLUMN email text;\n',
  [`db/${pad(MERGED + 1)}_add_email.down.sql`]: 'ALTER TABLE t1 DROP COLUMN email;\n',
  [`db/${pad(MERGED + 2)}_add_flag.up.sql`]: 'ALTER TABLE t2 ADD COLUMN flag boolean;\n',
  [`db/${pad(MERGED + 2)}_add_flag.down.sql`]: 'SELECT 1;\n',
};

async function check(cwd: string, cache: string, ...args: string[]) {
  return checkIn(cwd, cache, '', ...args);
}

/** `ci`: the CI environment variable the run sees ('' : unset). */
async function checkIn(cwd: string, cache: string, ci: string, ...args: string[]) {
  const r = await cli(['db', '--base', 'main', '--output', 'json', '--no-observe', '--no-seed', ...args], {
    cwd,
    env: { MIGRATE_CHECK_CACHE: cache, CI: ci },
  });
  return jsonRun(r);
}

const entries = (cache: string) =>
  existsSync(join(cache, 'base-states'))
    ? readdirSync(join(cache, 'base-states')).filter((n) => !n.includes('.partial-'))
    : [];

describe('base-cache', { concurrency: 2 }, () => {
  test('the second check of a PR starts from the saved base state: same verdict, findings and schemas', async () => {
    const cwd = history({}, ADDS);
    const cache = cacheFolder(made, 'mc-base-cache-');
    const first = await check(cwd, cache);
    assert.equal(first.code, 1, first.stderr);
    assert.equal(first.dir.cachedBase, undefined, 'nothing was cached before the first run');
    assert.match(first.stderr, new RegExp(`Saved the state after the ${MERGED} merged migrations of db`));
    assert.equal(entries(cache).length, 1, 'one base state saved');

    const second = await check(cwd, cache);
    assertFromState(first, second, { merged: MERGED, through: pad(MERGED), added: [pad(MERGED + 1), pad(MERGED + 2)] });
    assert.ok(
      findingsOf(second.report).some((f) => f.startsWith(`down-reverts-up db/${pad(MERGED + 2)}_add_flag.down.sql`)),
      JSON.stringify(second.report.findings),
    );
    assert.ok(first.dir.steps.length > second.dir.steps.length + MERGED - 1);
    assert.equal(entries(cache).length, 1);

    const text = await cli(['db', '--base', 'main', '--no-observe', '--no-seed'], {
      cwd,
      env: { MIGRATE_CHECK_CACHE: cache, CI: '' },
    });
    assert.match(
      text.stdout.replace(/\s+/g, ' '),
      new RegExp(
        `The ${MERGED} merged migrations in db \\(through ${pad(MERGED)}\\) were not replayed: their state came from the cached base state`,
      ),
    );
  });

  test('a Go migration among the merged ones (goose): the state holds every merged SQL migration', async () => {
    // goose runs .go migrations itself; the replay goes on without them, and so must the state.
    const base: Record<string, string> = { 'db/00003_backfill.go': 'package migrations\n' };
    for (let i = 1; i <= MERGED; i++)
      if (i !== 3)
        base[`db/${String(i).padStart(5, '0')}_t${i}.sql`] =
          `-- +goose Up\nCREATE TABLE t${i} (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE t${i};\n`;
    const cwd = repo(base, (d) =>
      writeFileSync(
        join(d, 'db', `${String(MERGED + 1).padStart(5, '0')}_add_note.sql`),
        `-- +goose Up\nALTER TABLE t${MERGED} ADD COLUMN note text;\n-- +goose Down\nALTER TABLE t${MERGED} DROP COLUMN note;\n`,
      ),
    );
    made.push(cwd);
    const cache = cacheFolder(made, 'mc-base-cache-');
    const first = await check(cwd, cache);
    assert.match(first.stderr, new RegExp(`Saved the state after the ${MERGED - 1} merged migrations of db`));
    const second = await check(cwd, cache);
    assert.deepEqual(second.dir.cachedBase, { migrations: MERGED - 1, through: String(MERGED).padStart(5, '0') });
    assert.equal(second.code, first.code, second.stderr + second.stdout.slice(0, 2000));
    assert.deepEqual(findingsOf(second.report), findingsOf(first.report));
    assert.equal(second.dir.schema.base, first.dir.schema.base, 'the base schema');
    assert.equal(second.dir.schema.head, first.dir.schema.head, 'the head schema');
  });

  test('a state saved under other settings, prerequisites or files is not used', async () => {
    const cwd = history({ 'setup/roles.sql': 'SELECT 1;\n' }, ADDS);
    const cache = cacheFolder(made, 'mc-base-cache-');
    await check(cwd, cache);
    assert.equal(entries(cache).length, 1);
    // Another statement timeout: the merged migrations could end otherwise.
    const timeout = await check(cwd, cache, '--statement-timeout', '90s');
    assert.equal(timeout.dir.cachedBase, undefined, 'used a state saved under another statement timeout');
    assert.equal(entries(cache).length, 2, 'the state under the new timeout is saved beside the first');
    // Prerequisites run before the merged migrations: they are part of the state.
    const prerequisites = await check(cwd, cache, '--prerequisites', 'setup/roles.sql');
    assert.equal(prerequisites.dir.cachedBase, undefined, 'used a state saved without the prerequisites');
    const again = await check(cwd, cache, '--prerequisites', 'setup/roles.sql');
    assert.deepEqual(again.dir.cachedBase, { migrations: MERGED, through: pad(MERGED) });
    assert.equal(entries(cache).length, 3, 'at most three states are kept');
    await check(cwd, cache, '--statement-timeout', '80s');
    assert.equal(entries(cache).length, 3, 'the oldest state went');
    // A PR that edits a merged migration: the base is replayed, nothing is used or saved.
    const edited = history({}, { ...ADDS, 'db/0003_t3.up.sql': 'CREATE TABLE t3 (id int PRIMARY KEY);\n' });
    const editedCache = cacheFolder(made, 'mc-base-cache-');
    for (let i = 0; i < 2; i++) {
      const r = await check(edited, editedCache);
      assert.equal(r.dir.cachedBase, undefined);
      assert.ok(
        r.report.findings.some((f) => f.check === 'history-edited'),
        JSON.stringify(r.report.findings),
      );
    }
    assert.deepEqual(entries(editedCache), [], 'a base state saved for a PR that edits a merged migration');
  });

  test('an entry changed after it was sealed is removed and not used', async () => {
    const cwd = history({}, ADDS);
    const cache = cacheFolder(made, 'mc-base-cache-');
    const first = await check(cwd, cache);
    const [entry] = entries(cache);
    const file = join(cache, 'base-states', entry!, 'data', 'PG_VERSION');
    chmodSync(join(cache, 'base-states', entry!, 'data'), 0o755);
    chmodSync(file, 0o644);
    appendFileSync(file, '\n');
    const second = await check(cwd, cache);
    assert.equal(second.dir.cachedBase, undefined, 'a changed entry was used');
    assert.match(second.stderr, /had been changed since it was made: removed it/);
    assert.deepEqual(findingsOf(second.report), findingsOf(first.report));
    assert.equal(entries(cache).length, 1, 'a new state was saved in its place');
    assert.notEqual(entries(cache)[0], entry);
  });

  test("a shard's range starts from the saved state of the migrations before it; the first shard saves none", async () => {
    // 44 migrations, without --base, in two jobs of 22: the second applies 0001–0022 before its range.
    const more: Record<string, string> = {};
    for (let i = MERGED + 3; i <= 44; i++) {
      more[`db/${pad(i)}_u${i}.up.sql`] = `CREATE TABLE u${i} (id bigint PRIMARY KEY);\n`;
      more[`db/${pad(i)}_u${i}.down.sql`] = `DROP TABLE u${i};\n`;
    }
    const cwd = history(more, ADDS);
    const cache = cacheFolder(made, 'mc-base-cache-');
    const env = { MIGRATE_CHECK_CACHE: cache, CI: '' };
    const shard = async (part: string, ...args: string[]) =>
      cli(['db', '--shard', part, '--no-observe', '--no-seed', '--jobs', '1', ...args], { cwd, env });
    const one = await shard('1/2', '--output', 'json');
    assert.doesNotMatch(one.stderr, /Saved the state/, 'the first range has nothing before it');
    const first = jsonRun(await shard('2/2', '--output', 'json'));
    assert.equal(first.code, 1, 'the range holds the down that leaves a column behind');
    assert.match(first.stderr, /Saved the state after the 22 migrations before this job's part of db/);
    assert.equal(entries(cache).length, 1);
    const second = jsonRun(await shard('2/2', '--output', 'json'));
    const range = Array.from({ length: 22 }, (_, i) => pad(23 + i));
    assertFromState(first, second, { merged: 22, through: pad(22), beforePart: true, added: range });
    const text = await shard('2/2');
    assert.match(
      text.stdout.replace(/\s+/g, ' '),
      /The 22 migrations before this job's part of db \(through 0022\) were not replayed: their state came from the cached base state/,
    );
  });

  test("with --base, a shard's state goes no further than the merged migrations; the base schema is the same", async () => {
    // 42 merged migrations and the PR's 2 (0043, 0044) in two jobs of 22: the second's range
    // starts at 0023, after 22 merged ones, and holds 20 more merged ones and the 2 new.
    const more: Record<string, string> = {};
    for (let i = MERGED + 1; i <= 42; i++) {
      more[`db/${pad(i)}_u${i}.up.sql`] = `CREATE TABLE u${i} (id bigint PRIMARY KEY);\n`;
      more[`db/${pad(i)}_u${i}.down.sql`] = `DROP TABLE u${i};\n`;
    }
    const renumbered: Record<string, string> = {};
    for (const [file, text] of Object.entries(ADDS))
      renumbered[file.replace(/db\/(\d+)_/, (_, n: string) => `db/${pad(Number(n) + 18)}_`)] = text;
    const cwd = history(more, renumbered);
    const cache = cacheFolder(made, 'mc-base-cache-');
    const env = { MIGRATE_CHECK_CACHE: cache, CI: '' };
    const shard = async () =>
      jsonRun(
        await cli(['db', '--base', 'main', '--shard', '2/2', '--output', 'json', '--no-observe', '--no-seed'], {
          cwd,
          env,
        }),
      );
    const first = await shard();
    assert.match(first.stderr, /Saved the state after the 22 migrations before this job's part of db/);
    const second = await shard();
    // Only the two new migrations are roundtripped; the range's merged ones are applied.
    assert.deepEqual(second.dir.cachedBase, { migrations: 22, through: pad(22), beforePart: true });
    assert.ok(second.dir.schema.base, 'a base schema');
    assert.equal(second.dir.schema.base, first.dir.schema.base);
    assert.equal(second.dir.schema.head, first.dir.schema.head);
    assert.deepEqual(findingsOf(second.report), findingsOf(first.report));
    assert.ok(findingsOf(second.report).some((f) => f.startsWith(`down-reverts-up db/${pad(MERGED + 20)}_add_flag`)));
  });

  test("a merged migration that sets its own transaction's isolation (SET TRANSACTION) leaves its session as a new one: the state is saved and used", async () => {
    // As langfuse's backfill migrations do, inside their own BEGIN … COMMIT.
    const cwd = history(
      {
        'db/0003_t3.up.sql':
          'BEGIN;\nSET TRANSACTION ISOLATION LEVEL REPEATABLE READ;\nCREATE TABLE t3 (id bigint PRIMARY KEY, note text);\nCOMMIT;\n',
      },
      ADDS,
    );
    const cache = cacheFolder(made, 'mc-base-cache-');
    const first = await check(cwd, cache);
    assert.doesNotMatch(first.stderr, /Did not save/);
    assert.match(first.stderr, new RegExp(`Saved the state after the ${MERGED} merged migrations of db`));
    const second = await check(cwd, cache);
    assertFromState(first, second, { merged: MERGED, through: pad(MERGED), added: [pad(MERGED + 1), pad(MERGED + 2)] });
  });

  test('merged migrations that change their session, base-cache off, or a CI runner: nothing is saved', async () => {
    // A session-wide SET in a merged migration reaches the migrations after it, in the runner's
    // session: a new session from a saved state would not have it.
    const cwd = history(
      { 'db/0003_t3.up.sql': 'CREATE SCHEMA audit;\nSET search_path = audit, public;\nCREATE TABLE t3 (id int);\n' },
      ADDS,
    );
    const cache = cacheFolder(made, 'mc-base-cache-');
    const r = await check(cwd, cache);
    assert.match(
      r.stderr,
      /Did not save the state after the 24 merged migrations of db \(base-cache\): the merged migrations change session settings \(search_path\)/,
    );
    assert.deepEqual(entries(cache), []);

    const plain = history({}, ADDS);
    const off = cacheFolder(made, 'mc-base-cache-');
    for (let i = 0; i < 2; i++) {
      const run = await check(plain, off, '--no-base-cache');
      assert.equal(run.dir.cachedBase, undefined);
      assert.doesNotMatch(run.stderr, /Saved the state/);
    }
    assert.deepEqual(entries(off), []);

    // On a CI runner (CI set), off unless asked for: its cache folder rarely outlives the job.
    const onCi = cacheFolder(made, 'mc-base-cache-');
    const ci = await checkIn(plain, onCi, 'true');
    assert.doesNotMatch(ci.stderr, /Saving the state/);
    assert.deepEqual(entries(onCi), []);
    const asked = await checkIn(plain, onCi, 'true', '--base-cache');
    assert.match(asked.stderr, /Saved the state/);
    assert.equal(entries(onCi).length, 1);
  });

  test('--base-cache on the base branch, without --base, saves the state of every migration, and the first check of a PR starts from it', async () => {
    const cwd = history({}, ADDS);
    const cache = cacheFolder(made, 'mc-base-cache-');
    const git = (...a: string[]) => execFileSync('git', a, { cwd, stdio: 'pipe' });
    // A CI job on main: CI set, the cache folder kept by the CI's own cache.
    const onMain = (...args: string[]) =>
      cli(['db', '--output', 'json', '--no-observe', '--no-seed', ...args], {
        cwd,
        env: { MIGRATE_CHECK_CACHE: cache, CI: 'true' },
      }).then(jsonRun);
    git('checkout', '-q', 'main');
    const plain = await onMain();
    assert.equal(plain.code, 0, plain.stderr);
    assert.doesNotMatch(plain.stderr, /Saving the state/, 'saved without being asked to');
    const push = await onMain('--base-cache');
    assert.equal(push.code, 0, push.stderr);
    assert.match(
      push.stderr,
      new RegExp(
        `Saving the state after the ${MERGED} migrations of db for the checks of branches made on this commit`,
      ),
    );
    assert.match(push.stderr, new RegExp(`Saved the state after the ${MERGED} migrations of db`));
    assert.equal(push.dir.steps.length, 3 * MERGED, 'the run itself roundtripped every migration');
    assert.equal(entries(cache).length, 1);
    const again = await onMain('--base-cache');
    assert.match(again.stderr, new RegExp(`The state after the ${MERGED} migrations of db is saved already`));
    assert.doesNotMatch(again.stderr, /Saving the state/);
    assert.equal(entries(cache).length, 1);

    git('checkout', '-q', 'pr');
    const replayed = await checkIn(cwd, cacheFolder(made, 'mc-base-cache-'), 'true');
    const pr = await checkIn(cwd, cache, 'true', '--base-cache');
    assertFromState(replayed, pr, { merged: MERGED, through: pad(MERGED), added: [pad(MERGED + 1), pad(MERGED + 2)] });
    assert.equal(entries(cache).length, 1, 'nothing more saved');
  });

  test('without --base, in ranges side by side, or with a merged migration that fails: saved only when every migration passed', async () => {
    // 300 migrations replay in two ranges on two servers; each range's replay stands for its part.
    const more: Record<string, string> = {};
    for (let i = MERGED + 1; i <= 300; i++) {
      more[`db/${pad(i)}_u${i}.up.sql`] = `CREATE TABLE u${i} (id bigint PRIMARY KEY);\n`;
      more[`db/${pad(i)}_u${i}.down.sql`] = `DROP TABLE u${i};\n`;
    }
    const long = history(more, {});
    const cache = cacheFolder(made, 'mc-base-cache-');
    const args = ['db', '--output', 'json', '--no-observe', '--no-seed', '--base-cache', '--jobs', '2'];
    const ranges = jsonRun(await cli(args, { cwd: long, env: { MIGRATE_CHECK_CACHE: cache, CI: 'true' } }));
    assert.equal(ranges.code, 0, ranges.stderr);
    assert.equal(ranges.dir.steps.length, 900);
    assert.match(ranges.stderr, /Saved the state after the 300 migrations of db/);
    assert.equal(entries(cache).length, 1);

    // The 150th fails: the run after it is not the state a PR would start from.
    const failing = history(
      { ...more, [`db/${pad(150)}_u150.up.sql`]: 'CREATE TABLE u150 (id bigint PRIMARY KEY, id int);\n' },
      {},
    );
    const none = cacheFolder(made, 'mc-base-cache-');
    const r = jsonRun(await cli(args, { cwd: failing, env: { MIGRATE_CHECK_CACHE: none, CI: 'true' } }));
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `Did not save the state after the 300 migrations of db \\(base-cache\\): db/${pad(150)}_u150.up.sql failed`,
      ),
    );
    assert.deepEqual(entries(none), []);
  });
});

test('several directories: one entry holds the state of each with enough merged migrations, and the next check starts every one of them from it', async () => {
  // db: merged migrations and the PR's; lib: merged ones only (a library's, the PR leaves them);
  // small: too few to save. Three directories: two are replayed side by side, on two servers.
  const files: Record<string, string> = {};
  for (let i = 1; i <= 22; i++) {
    files[`lib/${pad(i)}_l${i}.up.sql`] = `CREATE TABLE l${i} (id bigint PRIMARY KEY);\n`;
    files[`lib/${pad(i)}_l${i}.down.sql`] = `DROP TABLE l${i};\n`;
  }
  for (let i = 1; i <= 3; i++) {
    files[`small/${pad(i)}_s${i}.up.sql`] = `CREATE TABLE s${i} (id bigint PRIMARY KEY);\n`;
    files[`small/${pad(i)}_s${i}.down.sql`] = `DROP TABLE s${i};\n`;
  }
  const cwd = history(files, ADDS);
  const cache = cacheFolder(made, 'mc-base-cache-dirs-');
  const run = async () => {
    const r = await cli(['db', 'lib', 'small', '--base', 'main', '--output', 'json', '--no-observe', '--no-seed'], {
      cwd,
      env: { MIGRATE_CHECK_CACHE: cache, CI: '' },
    });
    assert.notEqual(r.code, 2, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    return { ...r, report, dirs: Object.fromEntries(report.directories.map((d) => [d.path, d])) };
  };
  const first = await run();
  assert.equal(first.code, 1, first.stderr);
  assert.match(
    first.stderr,
    new RegExp(`Saved the states after the merged migrations of db \\(${MERGED}\\), lib \\(22\\)`),
  );
  assert.equal(entries(cache).length, 1, 'one entry for both');

  const second = await run();
  assert.equal(second.code, first.code, second.stderr);
  assert.deepEqual(second.dirs.db!.cachedBase, { migrations: MERGED, through: pad(MERGED) });
  assert.deepEqual(second.dirs.lib!.cachedBase, { migrations: 22, through: pad(22) });
  assert.equal(second.dirs.small!.cachedBase, undefined);
  assert.deepEqual(findingsOf(second.report), findingsOf(first.report));
  for (const path of ['db', 'lib', 'small']) {
    assert.equal(second.dirs[path]!.schema.base, first.dirs[path]!.schema.base, `${path}: the base schema`);
    assert.equal(second.dirs[path]!.schema.head, first.dirs[path]!.schema.head, `${path}: the head schema`);
  }
  assert.match(second.dirs.lib!.schema.head!, /table public\.l22\n/);
  assert.deepEqual(second.dirs.lib!.steps, [], 'nothing of lib replayed');
  assert.deepEqual([...new Set(second.dirs.db!.steps.map((s) => s.version))], [pad(MERGED + 1), pad(MERGED + 2)]);
  assert.equal(second.dirs.small!.steps.length, 3, 'small replayed, up only');
  assert.doesNotMatch(second.stderr, /Saved the state/);
});

test("drizzle's deploy of the pending migrations together starts from the saved state as well: the same findings", async () => {
  // 21 merged migrations, then a PR adding an enum value and its first use: only the deploy of the
  // two in one transaction fails (the transaction check), which the run finds from the state too.
  const tags: [string, number][] = [];
  const files: Record<string, string> = {
    'db/0000_init_items.sql': `CREATE TYPE "status" AS ENUM('active');--> statement-breakpoint\nCREATE TABLE "items" ("id" serial PRIMARY KEY, "status" "status" DEFAULT 'active' NOT NULL);\n`,
  };
  tags.push(['0000_init_items', 1735689600000]);
  for (let i = 1; i <= 21; i++) {
    const tag = `${String(i).padStart(4, '0')}_t${i}`;
    files[`db/${tag}.sql`] = `CREATE TABLE "t${i}" ("id" serial PRIMARY KEY);\n`;
    tags.push([tag, 1735689600000 + i * 1000]);
  }
  const journal = (entries: [string, number][]) =>
    JSON.stringify({
      version: '7',
      dialect: 'postgresql',
      entries: entries.map(([tag, when], idx) => ({ idx, version: '7', when, tag, breakpoints: true })),
    });
  files['db/meta/_journal.json'] = journal(tags);
  const added: [string, number][] = [
    ['0022_add_archived', 1735689600000 + 22_000],
    ['0023_default_archived', 1735689600000 + 23_000],
  ];
  const cwd = repo(files, (d) => {
    writeFileSync(join(d, 'db', '0022_add_archived.sql'), `ALTER TYPE "status" ADD VALUE 'archived';\n`);
    writeFileSync(
      join(d, 'db', '0023_default_archived.sql'),
      `ALTER TABLE "items" ALTER COLUMN "status" SET DEFAULT 'archived';\n`,
    );
    writeFileSync(join(d, 'db', 'meta', '_journal.json'), journal([...tags, ...added]));
  });
  made.push(cwd);
  const cache = cacheFolder(made, 'mc-base-cache-drizzle-');
  const first = await check(cwd, cache);
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stderr, /Saved the state after the 22 merged migrations of db/);
  const second = await check(cwd, cache);
  assert.deepEqual(second.dir.cachedBase, { migrations: 22, through: '0021' });
  assert.equal(second.code, first.code);
  assert.deepEqual(findingsOf(second.report), findingsOf(first.report));
  assert.deepEqual(
    second.report.findings.map((f) => `${f.check} ${f.file}`),
    ['transaction db/0023_default_archived.sql'],
  );
  assert.match(second.report.findings[0]!.message, /applies the pending migrations 0022, 0023 together/);
  assert.equal(second.dir.schema.head, first.dir.schema.head);
  assert.equal(second.dir.schema.base, first.dir.schema.base);
});

test('with the role setting: the state is built as that role (its owner), and the next check starts from it', async () => {
  const cwd = history({ 'migrate-check.json': JSON.stringify({ role: 'app_owner' }) }, ADDS);
  const cache = cacheFolder(made, 'mc-base-cache-role-');
  const first = await check(cwd, cache);
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stderr, new RegExp(`Saved the state after the ${MERGED} merged migrations of db`));
  const second = await check(cwd, cache);
  assert.deepEqual(second.dir.cachedBase, { migrations: MERGED, through: pad(MERGED) });
  assert.equal(second.code, first.code);
  assert.deepEqual(findingsOf(second.report), findingsOf(first.report));
  assert.equal(second.dir.schema.head, first.dir.schema.head, 'the head schema');
  assert.equal(second.dir.schema.base, first.dir.schema.base, 'the base schema');
  // The merged tables belong to the role, as the replay made them.
  assert.match(second.dir.schema.head!, /table public\.t1\n(  .*\n)*  owner app_owner\n/);
});
