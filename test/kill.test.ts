/**
 * Killing the CLI at random moments leaves nothing behind: no instance folder in TMPDIR, no
 * postgres process, no scratch database on a url server. SIGINT/SIGTERM are cleaned up by the
 * run itself (exit 130/143); after SIGKILL the next normal run sweeps what the dead one left.
 * The seed is printed; MC_KILL_SEED=<seed> replays the same moments.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateMigrations } from '../bench/generate.ts';
import { startEmbedded, type EmbeddedServer } from '../src/database/embedded.ts';
import { cacheFolder, CLI, query } from './helpers.ts';

const SEED = Number(process.env.MC_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`kill.test.ts seed ${SEED} (replay with MC_KILL_SEED=${SEED})`);

/** mulberry32: small, seeded, good enough for picking moments. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const started = performance.now();
let fixture: string;
let server: EmbeddedServer;
let roleUrl: string;
const privateTmps: string[] = [];

before(async () => {
  fixture = mkdtempSync(join(tmpdir(), 'mc-kill-fixture-'));
  // 20 migrations: a run takes 1.5–3 s here, so most moments land inside it and the suite stays under 90 s.
  await generateMigrations(join(fixture, 'db'), 20);
  server = await startEmbedded();
  const host = new URL(server.url).searchParams.get('host')!;
  await query(server.url, "CREATE ROLE mc_kill LOGIN CREATEDB PASSWORD 'pw'");
  await query(server.url, 'CREATE DATABASE mc_kill_home OWNER mc_kill');
  roleUrl = `postgres://mc_kill:pw@localhost/mc_kill_home?host=${encodeURIComponent(host)}`;
});
after(async () => {
  await server?.[Symbol.asyncDispose]();
  rmSync(fixture, { recursive: true, force: true });
  for (const dir of privateTmps) rmSync(dir, { recursive: true, force: true });
  console.log(`kill.test.ts: ${Math.round((performance.now() - started) / 1000)} s (seed ${SEED})`);
});

/** A TMPDIR of its own, with /tmp's mode (the embedded server runs as `nobody` when run as root, and its watchdog removes its folder). */
function privateTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mc-kill-tmp-'));
  chmodSync(dir, 0o1777);
  privateTmps.push(dir);
  return dir;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
}

/** Runs the CLI with a private TMPDIR and XDG_CACHE_HOME unset; `signal` after `delayMs`, if given. */
function runCli(
  args: string[],
  tmp: string,
  /** `after`: the delay runs from the first stderr text matching it (else from the start). */
  kill?: { signal: NodeJS.Signals; delayMs: number; after?: RegExp },
  pipe?: string,
  where: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Exit> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: tmp,
      NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE,
      NO_COLOR: '1',
      ...where.env,
    };
    const cwd = where.cwd ?? process.cwd();
    const child = pipe
      ? spawn('sh', ['-c', `"$0" "$@" ${pipe}`, process.execPath, CLI, ...args], {
          env,
          cwd,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    let timer: NodeJS.Timeout | undefined;
    const arm = () => (timer ??= setTimeout(() => child.kill(kill!.signal), kill!.delayMs));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (kill?.after?.test(stderr)) arm();
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    if (kill && !kill.after) arm();
    // A run that hangs after its signal is a failure too: stop it hard after 30 s.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      resolve({ code, signal, stderr, stdout });
    });
  });
}

const instanceDirs = (tmp: string) => readdirSync(tmp).filter((n) => /^migrate-check-(run|init|seal)-/.test(n));
/** Processes (postgres, its watchdog) whose command line names the private TMPDIR. */
const processesNaming = (tmp: string) =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(tmp) && !/\bps -eo\b/.test(l));
const scratchDatabases = async () =>
  (
    await query<{ datname: string }>(
      server.url,
      "SELECT datname FROM pg_database WHERE datname LIKE 'migrate\\_check\\_%' ORDER BY 1",
    )
  ).map((r) => r.datname);

/** Polls `probe` until it is empty, for up to `ms` (a process table and a folder take a moment to settle). */
async function settles<T>(probe: () => T[] | Promise<T[]>, ms: number): Promise<T[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = await probe();
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `before`: the scratch databases that existed before this test (an earlier failure's), which are not this run's. */
async function assertClean(tmp: string, url: boolean, what: string, before: string[], graceMs = 1000) {
  assert.deepEqual(await settles(() => instanceDirs(tmp), graceMs), [], `${what}: instance folders left in TMPDIR`);
  assert.deepEqual(
    await settles(() => processesNaming(tmp), graceMs),
    [],
    `${what}: processes still name the private TMPDIR`,
  );
  const mine = async () => (await scratchDatabases()).filter((d) => !before.includes(d));
  if (url) assert.deepEqual(await settles(mine, graceMs), [], `${what}: scratch databases left on the server`);
}

/** After a test, whatever it left must not count against the next one. */
async function sweep(tmp: string, url: boolean) {
  for (const line of processesNaming(tmp)) {
    try {
      process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
    } catch {}
  }
  // Only the url suite's own: the embedded suite runs beside it and must not drop its databases.
  if (url)
    for (const name of await scratchDatabases())
      await query(server.url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
}

const NO_STACK = /^\s+at \S|This is a bug/m;

// The two providers run side by side (own TMPDIRs, own server), each one run at a time.
describe('kill suite', { concurrency: true }, () => {
  for (const provider of ['embedded', 'url'] as const) {
    const rng = prng(SEED + (provider === 'url' ? 1 : 0));
    const plan: { signal: NodeJS.Signals; delayMs: number }[] = [];
    for (let i = 0; i < 6; i++)
      plan.push(
        { signal: 'SIGINT', delayMs: Math.round(rng() * 2000) },
        { signal: 'SIGTERM', delayMs: Math.round(rng() * 2000) },
      );
    for (let i = 0; i < 4; i++) plan.push({ signal: 'SIGKILL', delayMs: Math.round(rng() * 2000) });
    const args = () => [join(fixture, 'db'), ...(provider === 'url' ? ['--database-url', roleUrl] : [])];

    describe(`kill the CLI at random moments (${provider})`, { concurrency: 1 }, () => {
      for (const [i, { signal, delayMs }] of plan.entries()) {
        test(`${signal} at ${delayMs} ms (#${i + 1})`, async (t) => {
          const tmp = privateTmp();
          const before = provider === 'url' ? await scratchDatabases() : [];
          t.after(() => sweep(tmp, provider === 'url'));
          const killed = await runCli(args(), tmp, { signal, delayMs });
          const what = `${provider} ${signal} at ${delayMs} ms`;
          if (signal === 'SIGKILL') {
            // The next normal run in the same TMPDIR (and on the same server) sweeps what the dead one left.
            const next = await runCli(args(), tmp);
            assert.doesNotMatch(next.stderr, NO_STACK, next.stderr);
            assert.equal(next.code, 0, `the run after the SIGKILL failed: ${next.stderr.slice(-2000)}`);
            await assertClean(tmp, provider === 'url', `${what}, then a normal run`, before, 3000);
            return;
          }
          const code = signal === 'SIGINT' ? 130 : 143;
          // Killed before node installed its handlers: the default action, nothing had been created.
          const byDefault = killed.code === null && killed.signal === signal;
          assert.ok(
            byDefault || [code, 0].includes(killed.code!),
            `${what}: exit ${killed.code} (signal ${killed.signal}), want ${code} (or 0 if it finished first)\n${killed.stderr.slice(-2000)}`,
          );
          assert.doesNotMatch(killed.stderr, NO_STACK, killed.stderr.slice(-3000));
          await assertClean(tmp, provider === 'url', what, before);
        });
      }
      test('closed stdout (`| head -1`) still cleans up', async (t) => {
        const tmp = privateTmp();
        const before = provider === 'url' ? await scratchDatabases() : [];
        t.after(() => sweep(tmp, provider === 'url'));
        const piped = await runCli(args(), tmp, undefined, '| head -1');
        assert.doesNotMatch(piped.stderr, NO_STACK, piped.stderr.slice(-3000));
        assert.match(piped.stdout, /^✓ Migrations are safe to merge( \(\d+ warnings? below fail-on error\))?\n?$/);
        await assertClean(tmp, provider === 'url', `${provider} | head -1`, before);
      });
      test('closed stdout on a JSON report (`| head -c 1`) still cleans up', async (t) => {
        const tmp = privateTmp();
        const before = provider === 'url' ? await scratchDatabases() : [];
        t.after(() => sweep(tmp, provider === 'url'));
        const piped = await runCli([...args(), '--output', 'json'], tmp, undefined, '| head -c 1');
        assert.doesNotMatch(piped.stderr, NO_STACK, piped.stderr.slice(-3000));
        await assertClean(tmp, provider === 'url', `${provider} --output json | head -c 1`, before);
      });
    });
  }

  // A first check with --base saves the base state after its verdict: killed then (or before), it
  // leaves no server, instance or staging folder, and never a half-saved state the next run uses.
  describe('kill the CLI while it saves the base state (base-cache)', { concurrency: 1 }, () => {
    const rng = prng(SEED + 2);
    // Each signal at a random moment of the save: 0–700 ms after the run says it began (a save takes ~0.6–1 s here).
    const plan = (['SIGINT', 'SIGTERM', 'SIGKILL', 'SIGINT', 'SIGTERM', 'SIGKILL'] as const).map((signal) => ({
      signal,
      delayMs: Math.round(rng() * 700),
    }));
    let repo: string;
    before(async () => {
      repo = mkdtempSync(join(tmpdir(), 'mc-kill-base-'));
      await generateMigrations(join(repo, 'db'), 24);
      const git = (...a: string[]) =>
        execFileSync('git', ['-c', 'user.email=k@example.com', '-c', 'user.name=k', ...a], {
          cwd: repo,
          stdio: 'pipe',
        });
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('commit', '-q', '-m', 'base');
      git('checkout', '-q', '-b', 'pr');
      await generateMigrations(join(repo, 'db'), 25);
      git('add', '-A');
      git('commit', '-q', '-m', 'pr');
    });
    after(() => rmSync(repo, { recursive: true, force: true }));
    const states = (cache: string) =>
      existsSync(join(cache, 'base-states')) ? readdirSync(join(cache, 'base-states')) : [];
    for (const [i, { signal, delayMs }] of plan.entries()) {
      test(`${signal} at ${delayMs} ms (#${i + 1})`, async (t) => {
        const tmp = privateTmp();
        const cache = cacheFolder(privateTmps, 'mc-kill-cache-');
        t.after(() => sweep(tmp, false));
        const where = { cwd: repo, env: { MIGRATE_CHECK_CACHE: cache } };
        const args = ['db', '--base', 'main', '--no-observe', '--no-seed', '--output', 'json'];
        const killed = await runCli(args, tmp, { signal, delayMs, after: /Saving the state/ }, undefined, where);
        assert.doesNotMatch(killed.stderr, NO_STACK, killed.stderr.slice(-3000));
        assert.match(killed.stderr, /Saving the state/, 'the run did not start saving');
        const saved = /Saved the state/.test(killed.stderr);
        t.diagnostic(saved ? 'killed after the state was saved' : `killed while saving (exit ${killed.code})`);
        const next = await runCli(args, tmp, undefined, undefined, where);
        assert.equal(next.code, 0, `the run after the ${signal} failed: ${next.stderr.slice(-2000)}`);
        await assertClean(tmp, false, `base-cache ${signal} at ${delayMs} ms, then a normal run`, [], 3000);
        // Whatever is in the cache now is whole: a sealed state with its manifest, never a staging folder.
        for (const name of states(cache)) {
          assert.doesNotMatch(name, /\.partial-|\.stale-/, `a staging folder left in the cache: ${name}`);
          assert.ok(existsSync(join(cache, 'base-states', name, 'manifest')), `${name} has no manifest`);
        }
        const third = await runCli(args, tmp, undefined, undefined, where);
        const report = JSON.parse(third.stdout) as { directories: { cachedBase?: unknown }[] };
        assert.deepEqual(report.directories[0]!.cachedBase, { migrations: 24, through: '0024' }, third.stderr);
      });
    }
  });
});
