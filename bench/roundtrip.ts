// `npm run bench`: the cost of migrate-check's per-migration roundtrip against executing exactly
// the same SQL steps bare, on one server, at 100, 300, 1,000 and 3,000 generated migrations.
//
// Each size runs in a process of its own (so its peak RSS is that of one run at that size), with
// its own embedded server, alternating a bare execution of every step (up, down, up of each
// migration, one client) and the whole roundtrip through run() with observation and seeding off
// (--no-observe --no-seed: the engine, replay and snapshots), several rounds; the ratio is taken
// round by round and printed as min and median. At 300, the default run (observation and seeding
// on) alternates as well, and the PR check (one migration added to the 300, --base) is timed with
// observation and seeding each on and off, with the merged 300 replayed and from a cached base state
// (base-cache), and by the whole CLI process, cache on and off. On 100 migrations, the script teams
// write today (psql, then pg_dump --schema-only, after every step) is timed against the same steps.
//
//   node bench/roundtrip.ts               the whole table
//   node bench/roundtrip.ts --size 300    one size (as the table's child processes do)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS, settingsFor, type Config } from '../src/config.ts';
import { cacheRoot } from '../src/database/embedded-binaries.ts';
import { baseStatePlans } from '../src/pipeline/base-state.ts';
import { loadDirectory } from '../src/pipeline/load.ts';
import type { Server } from '../src/database/database.ts';
import { startEmbedded } from '../src/database/embedded.ts';
import { fsDirectory } from '../src/files/directory.ts';
import { openBase } from '../src/history/git.ts';
import { localIO } from '../src/io.ts';
import type { Report } from '../src/report/report.ts';
import { run } from '../src/run.ts';
import { generateMigrations } from './generate.ts';

/** Commits the `size` migrations in `dir` as the base, then one more as the pull request (HEAD). */
async function commitPr(git: (...args: string[]) => unknown, dir: string, size: number): Promise<void> {
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  await generateMigrations(dir, size + 1);
  git('add', '-A');
  git('commit', '-q', '-m', 'pr');
}

/** Sizes and how many alternating rounds each gets (fewer where one round takes minutes). */
const SIZES: [number, number][] = [
  [100, 5],
  [300, 5],
  [1000, 3],
  [3000, 3],
];
const ENGINE = { observe: false, seed: false } as const;
const ROOT = join(import.meta.dirname, '..');
// Runs the bundled CLI in this process and prints its peak RSS (KiB) on stderr as it exits.
const CLI_RSS = `const [cli, dir] = process.argv.slice(1);
process.on('exit', () => process.stderr.write('peak-rss ' + process.resourceUsage().maxRSS + '\\n'));
process.argv = [process.argv[0], cli, dir, '--no-observe', '--no-seed', '--output', 'json'];
require(cli);`;

interface SizeResult {
  size: number;
  rounds: number;
  bare: number[];
  engine: number[];
  /** The default run (observation and seeding on), at 300 only. */
  defaults?: number[];
  /** The PR check at 300: variant → times. */
  pr?: Record<string, number[]>;
  /** The PR check at 300 by the bundled CLI, the whole process (its own server): base state cached, and replayed. */
  prCli?: { cached: number[]; replayed: number[] };
  startMs: number;
  /** Peak RSS of the bundled CLI (dist/cli.cjs) run once on the directory, --no-observe --no-seed. */
  cliRssMb: number;
  cliMs: number;
}

const best = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ratios = (xs: number[], ys: number[]) => xs.map((x, i) => x / ys[i]!);

async function measure(size: number, rounds: number): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-'));
  await generateMigrations(dir, size);
  // Warm the template cache, then time a start as a user's second run sees it.
  await (await startEmbedded())[Symbol.asyncDispose]();
  const server = await startEmbedded();
  // The same server for every run: disposing the view only drops its scratch databases.
  const shared: Server = {
    ...server,
    createDatabase: (p) => server.createDatabase(p),
    [Symbol.asyncDispose]: async () => {},
  };

  async function bare(): Promise<number> {
    await using db = await server.createDatabase('bench-bare');
    const client = await db.connect();
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.up.sql'))
      .sort();
    const sql = files.map((up) =>
      [up, up.replace('.up.', '.down.'), up].map((f) => readFileSync(join(dir, f), 'utf8')),
    );
    const started = performance.now();
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)',
    );
    for (const steps of sql) for (const step of steps) await client.query(step);
    const ms = performance.now() - started;
    await client.end();
    return ms;
  }

  async function check(base?: string, overrides: Partial<Config> = {}): Promise<number> {
    // On the one shared server, as the bare steps run (`jobs: 1`: a long directory is not split into
    // ranges on servers of their own; the CLI run below shows the default).
    const config: Config = { ...DEFAULTS, jobs: 1, paths: [dir], ...(base ? { base } : {}), ...overrides };
    const started = performance.now();
    const report = await run(config, {
      directory: fsDirectory,
      openBase: (ref) => openBase(dir, ref),
      startServer: async () => shared,
    });
    const ms = performance.now() - started;
    const migrations = report.directories[0]!.migrations.length;
    // Without a base every migration is roundtripped; with one, only the PR's new migration.
    const expected = base ? migrations + 2 : 3 * migrations;
    if (!report.ok || report.directories[0]!.steps.length !== expected)
      throw new Error(`the benchmark directory did not pass: ${JSON.stringify(report.findings[0])}`);
    return ms;
  }

  const result: SizeResult = { size, rounds, bare: [], engine: [], startMs: server.startMs, cliRssMb: 0, cliMs: 0 };
  const withDefaults = size === 300;
  if (withDefaults) result.defaults = [];
  for (let i = 0; i < rounds; i++) {
    result.bare.push(await bare());
    result.engine.push(await check(undefined, ENGINE));
    if (withDefaults) result.defaults!.push(await check());
  }

  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', ...args], {
      cwd: dir,
      stdio: 'pipe',
    });
  if (size === 300) {
    // A pull request adding one migration to the history: with --base only that one is roundtripped.
    await commitPr(git, dir, size);
    const variants: Record<string, Partial<Config>> = {
      'observe and seed off': ENGINE,
      'observe on': { observe: true, seed: false },
      'seed on': { observe: false, seed: true },
      'both on (default)': {},
    };
    result.pr = Object.fromEntries(Object.keys(variants).map((k) => [k, [] as number[]]));
    for (let i = 0; i < 5; i++)
      for (const [name, overrides] of Object.entries(variants)) result.pr[name]!.push(await check('HEAD~1', overrides));

    // With a cached base state (base-cache), in a cache folder of the bench's own: saved by a
    // first check, then each timed check on a server started from it (started before the clock,
    // as the shared server above), alternating with the whole CLI as a user runs it, cache on and off.
    const cache = mkdtempSync(join(tmpdir(), 'mc-bench-cache-'));
    symlinkSync(join(cacheRoot(), 'clusters'), join(cache, 'clusters'));
    process.env.MIGRATE_CHECK_CACHE = cache;
    const config = (overrides: Partial<Config>): Config => ({
      ...DEFAULTS,
      paths: [dir],
      base: 'HEAD~1',
      ...overrides,
    });
    // Each run saves its base state on a server of its own as it goes on; the states are ready
    // once the saving has settled, as the CLI waits for it before it exits.
    for (const overrides of [ENGINE, {}]) {
      const io = localIO(config(overrides), dir, () => {});
      await run(config(overrides), io);
      await io.settled();
    }
    const cached = async (overrides: Partial<Config>): Promise<number> => {
      const plan = baseStatePlans([await loadFor(config(overrides))], config(overrides))[0]!;
      await using started = await startEmbedded({ baseStates: [plan.key] });
      if (!started.baseStates?.has(plan.key)) throw new Error('the bench found no cached base state');
      const server: Server = { ...started, [Symbol.asyncDispose]: async () => {} };
      const clock = performance.now();
      const report = await run(config(overrides), {
        directory: fsDirectory,
        openBase: (ref) => openBase(dir, ref),
        startServer: async () => server,
      });
      const ms = performance.now() - clock;
      if (!report.ok || !report.directories[0]!.cachedBase || report.directories[0]!.steps.length !== 3)
        throw new Error(`the cached PR check did not pass: ${JSON.stringify(report.findings[0])}`);
      return ms;
    };
    const loadFor = async (c: Config) =>
      loadDirectory(
        dir,
        settingsFor(c, dir),
        fsDirectory,
        await openBase(dir, 'HEAD~1').then((b) => ('unavailable' in b ? null : b)),
      );
    result.pr['observe and seed off, cached base'] = [];
    result.pr['both on (default), cached base'] = [];
    result.prCli = { cached: [], replayed: [] };
    const cliRun = (...extra: string[]) => {
      const clock = performance.now();
      const r = spawnSync(
        process.execPath,
        [join(ROOT, 'dist', 'cli.cjs'), dir, '--base', 'HEAD~1', '--output', 'json', ...extra],
        {
          encoding: 'utf8',
          cwd: dir,
          stdio: ['ignore', 'pipe', 'pipe'],
          maxBuffer: 1 << 28,
          env: { ...process.env, MIGRATE_CHECK_CACHE: cache, CI: '' },
        },
      );
      const ms = performance.now() - clock;
      if (r.status !== 0) throw new Error(`the CLI's PR check failed (exit ${r.status}): ${r.stderr}`);
      // The check the bench means: the base read, only the new migration roundtripped, from the cache or not.
      const report = JSON.parse(r.stdout) as Report;
      const only = report.directories[0]!;
      const fromCache = !extra.includes('--no-base-cache');
      const steps = fromCache ? 3 : only.migrations.length + 2;
      if (!only.base || only.steps.length !== steps || Boolean(only.cachedBase) !== fromCache)
        throw new Error(`the CLI's PR check was not the one measured: ${JSON.stringify(report.findings[0])}`);
      return ms;
    };
    for (let i = 0; i < 5; i++) {
      result.pr['observe and seed off, cached base']!.push(await cached(ENGINE));
      result.pr['both on (default), cached base']!.push(await cached({}));
      result.prCli.cached.push(cliRun());
      result.prCli.replayed.push(cliRun('--no-base-cache'));
    }
    delete process.env.MIGRATE_CHECK_CACHE;
    rmSync(cache, { recursive: true, force: true });
  }

  await server[Symbol.asyncDispose]();
  // The CLI as users run it (the bundle, its own embedded server), on the directory before the PR.
  if (size === 300) git('checkout', '-q', 'HEAD~1');
  const started = performance.now();
  const cli = spawnSync(process.execPath, ['-e', CLI_RSS, join(ROOT, 'dist', 'cli.cjs'), dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  result.cliMs = performance.now() - started;
  if (cli.status !== 0) throw new Error(`the CLI run failed (exit ${cli.status}): ${cli.stderr}`);
  result.cliRssMb = Number(/peak-rss (\d+)/.exec(cli.stderr)?.[1]) / 1024;
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/**
 * Four directories of 150 migrations each (a monorepo), the default run, alternating one after the
 * other (`jobs: 1`) and side by side (`jobs` unset: the machine's cores, at most 4). The first
 * server is started before the runs; a run side by side starts its other servers itself, and pays
 * for them.
 */
async function measureDirectories(rounds: number): Promise<{ jobs: number; sequential: number[]; side: number[] }> {
  const root = mkdtempSync(join(tmpdir(), 'mc-bench-dirs-'));
  const paths = ['billing', 'orders', 'users', 'search'].map((name) => join(root, name));
  for (const path of paths) await generateMigrations(path, 150);
  await (await startEmbedded())[Symbol.asyncDispose]();
  const server = await startEmbedded();
  const once = async (overrides: Partial<Config>): Promise<number> => {
    const config: Config = { ...DEFAULTS, paths, ...overrides };
    const started = performance.now();
    // The started server is the run's first; the others it starts itself, as the CLI does.
    const report = await run(
      config,
      localIO(config, root, () => {}, { shared: server }),
    );
    if (!report.ok) throw new Error(`the benchmark directories did not pass: ${JSON.stringify(report.findings[0])}`);
    return performance.now() - started;
  };
  const result = { jobs: Math.min(availableParallelism(), 4), sequential: [] as number[], side: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    result.sequential.push(await once({ jobs: 1 }));
    result.side.push(await once({}));
  }
  await server[Symbol.asyncDispose]();
  rmSync(root, { recursive: true, force: true });
  return result;
}

/**
 * The script teams write today, on 100 migrations: each step run with `psql -f`, then the schema
 * dumped with `pg_dump --schema-only`, against the same steps bare and migrate-check's roundtrip
 * (--no-observe --no-seed), alternating, on one server of the binaries' major (pg_dump refuses a
 * newer server). Null when the machine has no psql and pg_dump of a Postgres with a server binary.
 */
async function measureDiy(
  rounds: number,
): Promise<{ major: string; bare: number[]; diy: number[]; engine: number[] } | null> {
  const binDir = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'].find((d) =>
    ['postgres', 'initdb', 'psql', 'pg_dump'].every((b) => existsSync(join(d, b))),
  );
  if (!binDir) return null;
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-diy-'));
  await generateMigrations(dir, 100);
  await (await startEmbedded({ binDir }))[Symbol.asyncDispose]();
  await using server = await startEmbedded({ binDir });
  const host = new URL(server.url).searchParams.get('host')!;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.up.sql'))
    .sort()
    .flatMap((up) => [up, up.replace('.up.', '.down.'), up]);
  const bare = async () => {
    await using db = await server.createDatabase('bench-bare');
    const client = await db.connect();
    const sql = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    const started = performance.now();
    for (const step of sql) await client.query(step);
    const ms = performance.now() - started;
    await client.end();
    return ms;
  };
  const diy = async () => {
    await using db = await server.createDatabase('bench-diy');
    const env = { ...process.env, PGHOST: host, PGUSER: 'postgres', PGDATABASE: db.name };
    const started = performance.now();
    for (const f of files) {
      for (const [cmd, args] of [
        ['psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', join(dir, f)]],
        ['pg_dump', ['--schema-only', '-f', `${dir}.schema.sql`]],
      ] as const) {
        const r = spawnSync(join(binDir, cmd), args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${cmd} failed on ${f}: ${r.stderr}`);
      }
    }
    return performance.now() - started;
  };
  const engine = async () => {
    const config: Config = { ...DEFAULTS, jobs: 1, paths: [dir], ...ENGINE };
    const started = performance.now();
    const report = await run(config, {
      directory: fsDirectory,
      startServer: async () => ({ ...server, [Symbol.asyncDispose]: async () => {} }),
    });
    if (!report.ok) throw new Error(`the DIY benchmark directory did not pass: ${JSON.stringify(report.findings[0])}`);
    return performance.now() - started;
  };
  const result = { major: server.version, bare: [] as number[], diy: [] as number[], engine: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    result.bare.push(await bare());
    result.diy.push(await diy());
    result.engine.push(await engine());
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}.schema.sql`, { force: true });
  return result;
}

/** The image the container PR check runs on: MIGRATE_CHECK_TEST_IMAGE where set, else the default. */
const CONTAINER_IMAGE = process.env.MIGRATE_CHECK_TEST_IMAGE || 'postgres:17-alpine';
const CONTAINER_MERGED = 1000;

/**
 * A PR adding one migration to CONTAINER_MERGED on the container server (`--database container`),
 * by the whole CLI process as a user runs it: from the base state a first check saved (base-cache),
 * alternating with the merged migrations replayed (--no-base-cache). Null without a Docker engine
 * that has the image.
 */
async function measureContainer(rounds: number): Promise<{ cached: number[]; replayed: number[] } | null> {
  if (spawnSync('docker', ['image', 'inspect', CONTAINER_IMAGE], { stdio: 'ignore' }).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-container-'));
  const cache = mkdtempSync(join(tmpdir(), 'mc-bench-container-cache-'));
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', ...args], { cwd: dir });
    await generateMigrations(dir, CONTAINER_MERGED);
    await commitPr(git, dir, CONTAINER_MERGED);
    /** One check; `cached`: whether it must have started from the base state (null: the first, which saves it). */
    const check = (cached: boolean | null, ...extra: string[]) => {
      const clock = performance.now();
      const r = spawnSync(
        process.execPath,
        [join(ROOT, 'dist', 'cli.cjs'), dir, '--base', 'HEAD~1', '--database', 'container'].concat(
          ['--postgres-image', CONTAINER_IMAGE, '--no-observe', '--no-seed', '--output', 'json'],
          extra,
        ),
        { encoding: 'utf8', cwd: dir, maxBuffer: 1 << 28, env: { ...process.env, MIGRATE_CHECK_CACHE: cache, CI: '' } },
      );
      const ms = performance.now() - clock;
      if (r.status !== 0) throw new Error(`the container PR check failed (exit ${r.status}): ${r.stderr}`);
      const only = (JSON.parse(r.stdout) as Report).directories[0]!;
      if (cached !== null && Boolean(only.cachedBase) !== cached)
        throw new Error('the container PR check was not the one measured');
      return ms;
    };
    check(null);
    const result = { cached: [] as number[], replayed: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      result.cached.push(check(true));
      result.replayed.push(check(false, '--no-base-cache'));
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
}

const sizeArg = process.argv.indexOf('--size');
if (process.argv.includes('--diy')) {
  console.log(JSON.stringify(await measureDiy(3)));
} else if (process.argv.includes('--container')) {
  console.log(JSON.stringify(await measureContainer(3)));
} else if (process.argv.includes('--directories')) {
  console.log(JSON.stringify(await measureDirectories(3)));
} else if (sizeArg !== -1) {
  const size = Number(process.argv[sizeArg + 1]);
  const rounds = SIZES.find(([s]) => s === size)?.[1] ?? 3;
  console.log(JSON.stringify(await measure(size, rounds)));
} else {
  const only = process.env.BENCH_SIZES?.split(',').map(Number);
  const results: SizeResult[] = [];
  for (const [size] of SIZES.filter(([s]) => !only || only.includes(s))) {
    const out = execFileSync(process.execPath, [import.meta.filename, '--size', String(size)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    });
    results.push(JSON.parse(out.trim().split('\n').at(-1)!) as SizeResult);
  }
  const f = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
  const ratio = (r: SizeResult) => ratios(r.engine, r.bare);
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end; ` +
      `embedded server warm start ${f(results[0]!.startMs)}; the clusters in ${tmpdir()} ` +
      `(TMPDIR: /dev/shm keeps them in RAM, as npm test does, which makes the bare steps cheaper)`,
  );
  console.log('full per-migration roundtrip (--no-observe --no-seed) ÷ bare execution of the same steps:');
  console.log('migrations  rounds  bare (min)  roundtrip (min)  ratio min  ratio median  CLI run  CLI peak RSS');
  for (const r of results) {
    console.log(
      `${String(r.size).padStart(10)}  ${String(r.rounds).padStart(6)}  ${f(best(r.bare)).padStart(10)}  ` +
        `${f(best(r.engine)).padStart(15)}  ${best(ratio(r)).toFixed(2).padStart(9)}  ` +
        `${median(ratio(r)).toFixed(2).padStart(12)}  ${f(r.cliMs).padStart(7)}  ` +
        `${r.cliRssMb.toFixed(0).padStart(9)} MB`,
    );
  }
  const [at300, at3000] = [results.find((r) => r.size === 300), results.find((r) => r.size === 3000)];
  if (at300 && at3000)
    console.log(`ratio at 3,000 ÷ ratio at 300 (min): ${(best(ratio(at3000)) / best(ratio(at300))).toFixed(2)}`);
  if (at300?.defaults) {
    const extra = ratios(at300.defaults, at300.engine);
    console.log(
      `observation + seeding at 300 (default run ÷ --no-observe --no-seed): min ${best(extra).toFixed(2)} / ` +
        `median ${median(extra).toFixed(2)} (default run min ${f(best(at300.defaults))})`,
    );
  }
  if (at300?.pr) {
    console.log('PR check, 1 migration added to 300, --base (min / median):');
    for (const [name, xs] of Object.entries(at300.pr))
      console.log(`  ${name.padEnd(34)} ${f(best(xs))} / ${f(median(xs))}`);
  }
  if (at300?.prCli) {
    const { cached, replayed } = at300.prCli;
    console.log(
      `PR check by the CLI, whole process with its own server (min / median): base state cached ` +
        `${f(best(cached))} / ${f(median(cached))}, replayed (--no-base-cache) ${f(best(replayed))} / ${f(median(replayed))}`,
    );
  }
  if (!only || only.includes(100)) {
    const out = execFileSync(process.execPath, [import.meta.filename, '--diy'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const d = JSON.parse(out.trim().split('\n').at(-1)!) as Awaited<ReturnType<typeof measureDiy>>;
    if (!d) console.log('the psql + pg_dump script: not measured (no psql, pg_dump and postgres of one major here)');
    else {
      const [diy, ours] = [ratios(d.diy, d.bare), ratios(d.engine, d.bare)];
      console.log(
        `the script teams write (psql -f, then pg_dump --schema-only, per step), 100 migrations, Postgres ${d.major}, ` +
          `${d.bare.length} rounds: ${f(best(d.diy))} (min) ÷ bare ${f(best(d.bare))}: min ${best(diy).toFixed(1)} / ` +
          `median ${median(diy).toFixed(1)}; migrate-check's roundtrip ÷ bare on that server: min ` +
          `${best(ours).toFixed(2)} / median ${median(ours).toFixed(2)} (${(best(d.diy) / best(d.engine)).toFixed(1)}× faster than the script)`,
      );
    }
  }
  if (!only || only.includes(CONTAINER_MERGED)) {
    const out = execFileSync(process.execPath, [import.meta.filename, '--container'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const c = JSON.parse(out.trim().split('\n').at(-1)!) as Awaited<ReturnType<typeof measureContainer>>;
    console.log(
      c
        ? `PR check on the container server (${CONTAINER_IMAGE}), 1 migration added to ${CONTAINER_MERGED}, the ` +
            `whole CLI (min / median): from the cached base state ${f(best(c.cached))} / ${f(median(c.cached))}, ` +
            `replayed (--no-base-cache) ${f(best(c.replayed))} / ${f(median(c.replayed))}`
        : `PR check on the container server: not measured (no Docker engine with ${CONTAINER_IMAGE} here)`,
    );
  }
  if (!only || only.includes(4)) {
    const out = execFileSync(process.execPath, [import.meta.filename, '--directories'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const d = JSON.parse(out.trim().split('\n').at(-1)!) as Awaited<ReturnType<typeof measureDirectories>>;
    const gain = ratios(d.sequential, d.side);
    console.log(
      `4 directories × 150 migrations, default run: one after the other ${f(best(d.sequential))} / ` +
        `${f(median(d.sequential))}, ${d.jobs} side by side ${f(best(d.side))} / ${f(median(d.side))} ` +
        `(min / median; speed-up min ${best(gain).toFixed(2)}, median ${median(gain).toFixed(2)})`,
    );
  }
}
