import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';
import { cacheRoot } from '../src/database/embedded-binaries.ts';
import { startEmbedded, type EmbeddedServer } from '../src/database/embedded.ts';

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
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
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
