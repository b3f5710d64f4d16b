// `npm run bench`: the cost of migrate-check's per-migration roundtrip against executing
// exactly the same SQL steps bare, on one server in one process. Prints the ratio, the
// peak RSS of this process, the time of an incremental check (`--base`, a PR adding one
// migration) next to the full one, and the embedded server's warm start time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS, type Config } from '../src/config.ts';
import { startEmbedded } from '../src/database/embedded.ts';
import type { Server } from '../src/database/database.ts';
import { fsDirectory } from '../src/files/directory.ts';
import { openBase } from '../src/history/git.ts';
import { run } from '../src/run.ts';
import { generateMigrations } from './generate.ts';

const COUNT = Number(process.env.BENCH_MIGRATIONS ?? 300);
const ROUNDS = 2;
const dir = mkdtempSync(join(tmpdir(), 'mc-bench-'));
await generateMigrations(dir, COUNT);

// Warm the template cache, then time a start as a user's second run sees it.
await (await startEmbedded())[Symbol.asyncDispose]();
const server = await startEmbedded();
const startMs = server.startMs;

async function bare(): Promise<number> {
  await using db = await server.createDatabase('bench-bare');
  const client = await db.connect();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.up.sql'))
    .sort();
  const sql = files.map((up) => [up, up.replace('.up.', '.down.'), up].map((f) => readFileSync(join(dir, f), 'utf8')));
  const started = performance.now();
  await client.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)',
  );
  for (const steps of sql) for (const step of steps) await client.query(step);
  const ms = performance.now() - started;
  await client.end();
  return ms;
}

async function migrateCheck(base?: string, overrides: Partial<Config> = {}): Promise<number> {
  const config: Config = { ...DEFAULTS, paths: [dir], ...(base ? { base } : {}), ...overrides };
  // The same server for every run: disposing the view only drops its scratch databases.
  const shared: Server = {
    ...server,
    createDatabase: (p) => server.createDatabase(p),
    [Symbol.asyncDispose]: async () => {},
  };
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

const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  a.push(await bare());
  b.push(await migrateCheck());
}

// A pull request adding one migration to the history: with --base only that one is roundtripped.
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
git('init', '-q');
git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'add', '-A');
git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-q', '-m', 'base');
await generateMigrations(dir, COUNT + 1);
git('add', '-A');
git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-q', '-m', 'pr');
const incremental: number[] = [];
// The PR check with observation and seeding each on and off, alternating within every round.
const variants = {
  none: { observe: false, seed: false },
  observe: { observe: true, seed: false },
  seed: { observe: false, seed: true },
} as const;
const pr: Record<keyof typeof variants, number[]> = { none: [], observe: [], seed: [] };
for (let i = 0; i < ROUNDS + 2; i++) {
  incremental.push(await migrateCheck('HEAD~1'));
  for (const [name, overrides] of Object.entries(variants))
    pr[name as keyof typeof variants].push(await migrateCheck('HEAD~1', overrides));
}
const full: number[] = [];
for (let i = 0; i < ROUNDS; i++) full.push(await migrateCheck());

await server[Symbol.asyncDispose]();
rmSync(dir, { recursive: true, force: true });

const best = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const pair = (xs: number[]) => `min ${best(xs).toFixed(0)} / median ${median(xs).toFixed(0)} ms`;
const ratio = best(b) / best(a);
const rssMb = process.resourceUsage().maxRSS / 1024;
console.log(`migrations:                 ${COUNT} (${3 * COUNT} steps: up, down, up each)`);
console.log(`(a) bare SQL steps:         ${best(a).toFixed(0)} ms`);
console.log(`(b) migrate-check roundtrip: ${best(b).toFixed(0)} ms (snapshots after every step, checks, report)`);
console.log(`ratio b/a:                  ${ratio.toFixed(2)}  (target ≤ 3.0)`);
console.log(`peak RSS (this process):    ${rssMb.toFixed(0)} MB  (target ≤ 250)`);
console.log(
  `PR adding 1 to ${COUNT}:       --base ${best(incremental).toFixed(0)} ms (ups + 1 roundtrip) vs full ${best(full).toFixed(0)} ms (ratio ${(best(incremental) / best(full)).toFixed(2)})`,
);
console.log(`PR check, observe+seed off: ${pair(pr.none)}`);
console.log(
  `PR check, observe on:       ${pair(pr.observe)}  (ratio ${(best(pr.observe) / best(pr.none)).toFixed(2)}, target ≤ 1.5)`,
);
console.log(
  `PR check, seed on:          ${pair(pr.seed)}  (ratio ${(best(pr.seed) / best(pr.none)).toFixed(2)}, target ≤ 1.5)`,
);
console.log(
  `PR check, both on (default): ${pair(incremental)}  (ratio ${(best(incremental) / best(pr.none)).toFixed(2)})`,
);
console.log(`embedded start (warm):      ${startMs.toFixed(0)} ms  (target ≤ 1000)`);
