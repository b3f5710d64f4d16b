// Every real project of ../shared/corpus as a pull request adding its newest migration: the check
// from the base state saved by the first run (base-cache) gives the verdict, the findings and the
// schemas of the run that replayed the merged migrations. Real runs of the bundled CLI, with the
// defaults a user gets (observation and seeding on), each project in a cache folder of its own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULTS, settingsFor, type Config } from '../src/config.ts';
import { fsDirectory } from '../src/files/directory.ts';
import { filesOf, migrationId } from '../src/migration.ts';
import { CACHED_FROM } from '../src/pipeline/base-state.ts';
import { loadDirectory } from '../src/pipeline/load.ts';
import type { Report } from '../src/report/report.ts';
import { SETTINGS } from '../src/settings.ts';
import { CASES } from './corpus-cases.ts';
import { cacheFolder, cli, corpusDir, OBSERVED_CHECKS } from './helpers.ts';

/** What a finding says, without what differs from one run to the next (measured hold times, durations). */
const said = (report: Report) =>
  report.findings
    .map(
      (f) => `${f.check} ${f.severity} ${f.file}:${f.line ?? ''} ${OBSERVED_CHECKS.includes(f.check) ? '' : f.message}`,
    )
    .sort();

for (const c of CASES) {
  const root = corpusDir(c.name);
  test(`corpus: ${c.name}: a PR adding its newest migration, from the cached base state, as from a replayed one`, {
    skip: root ? false : `../shared/corpus/${c.name} is absent; the corpus lane needs the shared corpus`,
  }, async (t) => {
    const repo = mkdtempSync(join(tmpdir(), 'mc-corpus-cache-'));
    const made = [repo];
    const cache = cacheFolder(made, 'mc-corpus-cache-home-');
    t.after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
    // The project's folder as `db`, its settings in the config file, its prelude as prerequisites.
    cpSync(`${root}/${c.path}`, join(repo, 'db'), { recursive: true });
    const file: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(c.config ?? {}))
      file[SETTINGS[key as keyof typeof SETTINGS].name] = value;
    if (c.prelude) {
      writeFileSync(join(repo, 'setup.sql'), `${c.prelude};\n`);
      file.prerequisites = ['setup.sql'];
    }
    writeFileSync(join(repo, 'migrate-check.json'), JSON.stringify(file));
    const config = { ...DEFAULTS, paths: ['db'], ...c.config } as Config;
    const loaded = await loadDirectory(join(repo, 'db'), settingsFor(config, 'db'), fsDirectory, null);
    const newest = loaded.set.migrations.at(-1)!;
    if (loaded.set.migrations.length <= CACHED_FROM)
      return t.skip(`${c.name}: ${loaded.set.migrations.length} migrations, fewer than base-cache saves`);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
        cwd: repo,
        stdio: 'pipe',
      });
    git('init', '-q', '-b', 'main');
    const added = filesOf(loaded.set, newest).map((f) => join('db', f));
    git('add', '-A');
    git('rm', '-q', '--cached', ...added);
    git('commit', '-q', '-m', 'base');
    git('checkout', '-q', '-b', 'pr');
    git('add', '-A');
    git('commit', '-q', '-m', 'pr');

    const check = async () => {
      const r = await cli(['db', '--base', 'main', '--output', 'json'], {
        cwd: repo,
        env: { MIGRATE_CHECK_CACHE: cache, CI: '' },
      });
      assert.notEqual(r.code, 2, r.stderr);
      return { ...r, report: JSON.parse(r.stdout) as Report };
    };
    const replayed = await check();
    const skipped = /Did not save [^\n]*/.exec(replayed.stderr)?.[0];
    if (skipped) {
      // Said, and then never used: the next run replays the merged migrations again.
      const again = await check();
      assert.equal(again.report.directories[0]!.cachedBase, undefined);
      t.diagnostic(skipped);
      return;
    }
    assert.match(replayed.stderr, /Saved the state after the \d+ merged migrations of db/);
    const cached = await check();
    const [a, b] = [replayed.report.directories[0]!, cached.report.directories[0]!];
    // The state ends just before the PR's migration (a Flyway repeatable is told apart by its description).
    const replayable = loaded.set.migrations.filter((m) => m.up || m.down);
    const first = replayable.findIndex((m) => migrationId(m) === migrationId(newest));
    assert.equal(b.cachedBase?.through, migrationId(replayable[first - 1]!), cached.stderr);
    assert.equal(cached.code, replayed.code);
    assert.deepEqual(said(cached.report), said(replayed.report));
    assert.equal(b.schema.base, a.schema.base, 'the base schema');
    assert.equal(b.schema.head, a.schema.head, 'the head schema');
    assert.equal(b.schema.diff, a.schema.diff, 'the schema diff');
    t.diagnostic(
      `${b.cachedBase!.migrations} merged migrations from the cache; ${replayed.code ? 'fails' : 'passes'} both times`,
    );
  });
}
