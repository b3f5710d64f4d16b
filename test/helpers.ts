import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import pg from 'pg';
import { cacheRoot } from '../src/database/embedded-binaries.ts';
import { startEmbedded, type EmbeddedServer } from '../src/database/embedded.ts';
import type { Report } from '../src/report/report.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const FIXTURES = join(ROOT, 'migrations-fixtures');
/** The shared corpus of real migration directories (MIGRATE_CHECK_CORPUS points elsewhere, e.g. from a second checkout). */
export const CORPUS = process.env.MIGRATE_CHECK_CORPUS || resolve(ROOT, '..', 'shared', 'corpus');
export const CLI = join(ROOT, 'dist', 'cli.cjs');

/**
 * A cache folder of its own (for MIGRATE_CHECK_CACHE), listed in `made` for removal, whose
 * template clusters are this machine's (made on first use): a run there waits for no initdb.
 */
export function cacheFolder(made: string[], prefix = 'mc-cache-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  mkdirSync(join(cacheRoot(), 'clusters'), { recursive: true });
  symlinkSync(join(cacheRoot(), 'clusters'), join(dir, 'clusters'));
  return dir;
}

/**
 * The checks that judge what the server did per statement and what seeded rows showed: warnings
 * whose own fixtures pin them, left aside by the tests that hold other verdicts.
 */
export const OBSERVED_CHECKS: readonly string[] = [
  'blocking-lock',
  'table-rewrite',
  'lock-timeout',
  'fails-on-data',
  'data-lost',
];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The process's id (what labels the containers it starts). */
  pid?: number | undefined;
}

/** Runs the bundled CLI as a user would. */
export function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', DATABASE_URL: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolvePromise({ code, stdout, stderr, pid: child.pid }));
  });
}

/** A run of `--output json`: its report and first directory; a failure shows what it printed instead. */
export function jsonRun(r: CliResult): CliResult & { report: Report; dir: Report['directories'][number] } {
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    assert.fail(`not a JSON report (exit ${r.code}):\n${r.stdout.slice(0, 1500)}\n${r.stderr.slice(0, 1500)}`);
  }
  return { ...r, report, dir: report.directories[0]! };
}

/** The findings of a report, one line each, for comparing two runs. */
export const findingsOf = (report: Report) =>
  report.findings.map((f) => `${f.check} ${f.file}:${f.line ?? ''} ${f.message}`);

/**
 * That `second` started from the base state `first` saved (the first `merged` migrations, through
 * `through`) and came to the same verdict, findings and schemas, replaying only `added`.
 */
export function assertFromState(
  first: ReturnType<typeof jsonRun>,
  second: ReturnType<typeof jsonRun>,
  state: { merged: number; through: string; beforePart?: true; added: string[] },
): void {
  assert.equal(second.code, first.code, second.stderr);
  const { merged: migrations, added: _, ...rest } = state;
  assert.deepEqual(second.dir.cachedBase, { migrations, ...rest });
  assert.deepEqual(findingsOf(second.report), findingsOf(first.report));
  assert.equal(second.dir.schema.base, first.dir.schema.base, 'the base schema');
  assert.equal(second.dir.schema.head, first.dir.schema.head, 'the head schema');
  assert.equal(second.dir.schema.diff, first.dir.schema.diff, 'the schema diff');
  assert.deepEqual([...new Set(second.dir.steps.map((s) => s.version))], state.added, 'only these migrations ran');
  assert.doesNotMatch(second.stderr, /Saved the state/, 'a state that was used is not saved again');
}

/** The pull_request event of a repository made by `repo()`: acme/shop's PR 7, from `pr` onto `main`. */
export function prEvent(dir: string) {
  const sha = (ref: string) => execFileSync('git', ['rev-parse', ref], { cwd: dir, encoding: 'utf8' }).trim();
  return {
    pull_request: {
      number: 7,
      head: { sha: sha('pr'), repo: { full_name: 'acme/shop' } },
      base: { sha: sha('main'), repo: { full_name: 'acme/shop' } },
    },
    repository: { full_name: 'acme/shop' },
  };
}

/** The shared corpus, or null with the reason to print when skipping. */
export function corpusDir(name: string): string | null {
  const dir = join(CORPUS, name);
  return existsSync(dir) ? dir : null;
}

export async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A throwaway git repository: a base commit, then the PR's commit, as a user's CI has them. */
export function repo(base: Record<string, string>, pr: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'mc-git-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'dev');
  for (const [file, text] of Object.entries(base)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  git('checkout', '-q', '-b', 'pr');
  pr(dir);
  git('add', '-A');
  git('commit', '-q', '-m', 'pr', '--allow-empty');
  return dir;
}

/**
 * Why the container tests cannot run here, or false when they can: a Docker engine must answer
 * and MIGRATE_CHECK_TEST_IMAGE name a Postgres image it has (this machine cannot pull one).
 */
export function dockerUnavailable(): string | false {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    return 'no Docker engine answers here (`.ci/run` starts one with ../shared/test-env/docker-postgres.sh)';
  }
  return process.env.MIGRATE_CHECK_TEST_IMAGE
    ? false
    : 'MIGRATE_CHECK_TEST_IMAGE is not set (the locally built Postgres image; this machine cannot pull postgres:17-alpine)';
}

/** The containers migrate-check started that still exist (running or not), by label. */
/**
 * The containers migrate-check started (all of them, or those of the process `pid` on this
 * machine: test files run side by side, each with its own).
 */
export function labelledContainers(pid?: number): string {
  const filter = pid === undefined ? 'label=dev.migrate-check' : `label=dev.migrate-check.owner=${hostname()}:${pid}`;
  return execFileSync('docker', ['ps', '-aq', '--filter', filter], { encoding: 'utf8' }).trim();
}

/**
 * Something a test file starts once before its first test and stops after its last (servers):
 * `get()` returns it. The stop waits for the start: where a name pattern matches none of the
 * file's tests, Node's runner starts `after` without waiting for `before`, and a server started
 * after it ended would keep the process from exiting.
 */
export function forTheFile<T>(start: () => Promise<T>, stop: (value: T) => PromiseLike<void>): () => T {
  let starting: Promise<T> | undefined;
  let value: T | undefined;
  before(async () => {
    starting = start();
    value = await starting;
  });
  after(async () => {
    const started = await starting?.catch(() => undefined);
    if (started !== undefined) await stop(started);
  });
  return () => {
    if (value === undefined) throw new Error("used before the test file's `before` hook ran");
    return value;
  };
}

/**
 * One embedded server for a test file, started before its first test and stopped after its last:
 * the file's in-process runs share it instead of starting one each.
 */
export function sharedServer(): () => EmbeddedServer {
  return forTheFile(startEmbedded, (server) => server[Symbol.asyncDispose]());
}
