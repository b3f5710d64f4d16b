// `node bench/hazards-vs-squawk.ts`: migrate-check's observed hazards (blocking-lock,
// table-rewrite, lock-timeout) and seeded-data checks (fails-on-data, data-lost) on every
// directory of the shared corpus, next to what squawk reports for the same SQL files.
// migrate-check judges what the server did on tables that existed before each step; squawk
// judges syntax anywhere, so its findings on tables created earlier in the same file are
// counted apart. CORPUS_ONLY=<dir,dir> limits the run to some directories; REPORTS_DIR=<dir>
// keeps each directory's migrate-check report there as JSON; EXAMPLES=<n> shows n statements
// of each kind of disagreement (default 3).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { DEFAULTS, type Config } from '../src/config.ts';
import type { Server } from '../src/database/database.ts';
import { startEmbedded } from '../src/database/embedded.ts';
import { fsDirectory } from '../src/files/directory.ts';
import type { ExecUnit } from '../src/migration.ts';
import type { Report } from '../src/report/report.ts';
import { run } from '../src/run.ts';
import { splitStatements } from '../src/sql/split.ts';

const CORPUS = process.env.MIGRATE_CHECK_CORPUS ?? resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
const SQUAWK = resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'squawk');
// The setups of test/corpus.test.ts.
interface Case {
  dir: string;
  short: string;
  path: string;
  config?: Partial<Config>;
  prelude?: string;
  skip?: string;
}
const CASES: Case[] = [
  {
    dir: 'riverqueue__river',
    short: 'river',
    path: 'riverdriver/riverpgxv5/migration/main',
    config: { placeholders: { '/* TEMPLATE: schema */': '' } },
  },
  { dir: 'goharbor__harbor', short: 'harbor', path: 'make/migrations/postgresql' },
  { dir: 'openfga__openfga', short: 'openfga', path: 'assets/migrations/postgres' },
  {
    dir: 'heroiclabs__nakama',
    short: 'nakama',
    path: 'migrate/sql',
    prelude: 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\n',
  },
  {
    dir: 'bionic-gpt__bionic-gpt',
    short: 'bionic',
    path: 'crates/db/migrations',
    skip: 'needs the pgvector extension (CREATE EXTENSION vector), which the embedded server lacks: the replay stops at 20230807080530',
  },
  { dir: 'MarquezProject__marquez', short: 'marquez', path: 'api/src/main/resources/marquez/db/migration' },
  {
    dir: 'supabase__storage',
    short: 'supabase',
    path: 'migrations/tenant',
    config: {
      noTransactionMarker: '-- postgres-migrations disable-transaction',
      searchPath: 'storage, public, extensions',
    } as Partial<Config>,
  },
  {
    dir: 'graphile__worker',
    short: 'graphile',
    path: 'sql',
    prelude: 'CREATE SCHEMA graphile_worker;\n',
    config: { placeholders: { ':GRAPHILE_WORKER_SCHEMA': 'graphile_worker' } },
  },
  { dir: 'langfuse__langfuse', short: 'langfuse', path: 'packages/shared/prisma/migrations' },
  {
    dir: 'atuinsh__atuin',
    short: 'atuin',
    path: 'crates/atuin-server-postgres/migrations',
    config: { format: 'sqlx' },
  },
  { dir: 'Dokploy__dokploy', short: 'dokploy', path: 'apps/dokploy/drizzle' },
  {
    dir: 'dani-garcia__vaultwarden',
    short: 'vaultw',
    path: 'migrations/postgresql',
    config: { format: 'diesel' } as Partial<Config>,
  },
];

const MC_CHECKS = ['blocking-lock', 'table-rewrite', 'lock-timeout', 'fails-on-data', 'data-lost'] as const;
/** Squawk's rules grouped by the migrate-check check that judges the same hazard (a rule may sit in two groups). */
const GROUPS: Record<string, string[]> = {
  'blocking-lock': [
    'require-concurrent-index-creation',
    'adding-foreign-key-constraint',
    'constraint-missing-not-valid',
    'adding-not-nullable-field',
    'disallowed-unique-constraint',
    'adding-serial-primary-key-field',
    'changing-column-type',
  ],
  'table-rewrite': ['changing-column-type', 'adding-field-with-default'],
  'lock-timeout': ['require-lock-timeout', 'require-timeout-settings'],
  'fails-on-data': ['adding-required-field'],
};

interface SquawkFinding {
  file: string;
  line: number;
  column: number;
  rule_name: string;
}
/** One statement of a linted file, keyed by file and start line. */
interface Statement {
  key: string;
  file: string;
  line: number;
  text: string;
  sameFile: boolean;
}
interface Outcome {
  c: Case;
  skipped?: string;
  mode: string;
  ms: number;
  files: number;
  migrations: number;
  failed: number;
  notChecked: number;
  statementsObserved: number;
  failures: string[];
  mc: Record<string, number>;
  squawk: Record<string, number>;
  squawkSame: Record<string, number>;
  pairs: Record<string, { sq: Map<string, Statement & { rules: Set<string> }>; mc: Map<string, Statement> }>;
}

const NAME = String.raw`((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))*)`;
const bare = (name: string) =>
  name
    .split(/\s*\.\s*/)
    .at(-1)!
    .replace(/"/g, '')
    .toLowerCase();
const CREATED = new RegExp(
  String.raw`^\s*CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP\s+|TEMPORARY\s+|UNLOGGED\s+)?(?:TABLE|MATERIALIZED\s+VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`,
  'i',
);
const TARGETS = [
  new RegExp(String.raw`^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${NAME}`, 'i'),
  new RegExp(String.raw`^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\b[^;]*?\bON\s+(?:ONLY\s+)?${NAME}`, 'i'),
  CREATED,
];

/** The statements of a file as split for running, each marked when its table was created earlier in the file (or by it). */
function statementsOf(file: string, text: string): Statement[] {
  const created = new Set<string>();
  return splitStatements(text).map((u: ExecUnit) => {
    const made = CREATED.exec(u.sql);
    if (made) created.add(bare(made[1]!));
    const target = TARGETS.map((re) => re.exec(u.sql)).find(Boolean);
    return {
      key: `${file}:${u.line}`,
      file,
      line: u.line,
      text: u.sql.replace(/\s+/g, ' ').slice(0, 110),
      sameFile: Boolean(target && created.has(bare(target[1]!))),
    };
  });
}

/** The statement holding (line, column), 1-based; a line alone means the first statement starting on it. */
function statementAt(statements: Statement[], line: number, column?: number): Statement | undefined {
  if (column === undefined) {
    const starting = statements.find((s) => s.line === line);
    if (starting) return starting;
  }
  return statements.filter((s) => s.line <= line).at(-1);
}

const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);

async function runCase(c: Case, server: Server, scratch: string): Promise<Outcome> {
  const started = performance.now();
  const dir = join(CORPUS, c.dir, c.path);
  const empty = {
    mode: '',
    ms: 0,
    files: 0,
    migrations: 0,
    failed: 0,
    notChecked: 0,
    statementsObserved: 0,
    failures: [],
    mc: {},
    squawk: {},
    squawkSame: {},
    pairs: {},
  };
  if (c.skip) return { c, skipped: c.skip, ...empty };
  if (!existsSync(dir)) return { c, skipped: `${dir} is absent`, ...empty };
  const prerequisites: string[] = [];
  if (c.prelude) {
    prerequisites.push(join(scratch, `${c.short}-prerequisites.sql`));
    writeFileSync(prerequisites[0]!, c.prelude);
  }
  const config: Config = {
    ...DEFAULTS,
    ...c.config,
    paths: [dir],
    prerequisites,
    checks: { 'lock-timeout': 'warning' },
  };
  let report: Report;
  let mode = 'per-migration';
  try {
    report = await run(config, { directory: fsDirectory, startServer: async () => server });
    // Per migration, only a migration with a down is roundtripped (and observed, and seeded): a
    // directory of ups alone is observed as a whole (`roundtrip: all`), every up on the tables before it.
    if (report.directories[0]!.migrations.every((m) => !m.down)) {
      mode = 'all (no downs)';
      report = await run({ ...config, roundtrip: 'all' }, { directory: fsDirectory, startServer: async () => server });
    }
  } catch (error) {
    return { c, skipped: `migrate-check could not run: ${(error as Error).message}`, ...empty };
  }
  if (process.env.REPORTS_DIR) writeFileSync(join(process.env.REPORTS_DIR, `${c.short}.json`), JSON.stringify(report));
  const d = report.directories[0]!;
  const abs = (f: string) => resolve(dir, f);
  const files = [
    ...new Set(
      d.migrations
        .flatMap((m) => [m.up, m.down])
        .filter((f): f is string => Boolean(f))
        .map(abs),
    ),
  ];

  // Squawk lints the SQL as it runs: with placeholders, a rendered copy under the same relative name.
  const placeholders = Object.entries(config.placeholders ?? {});
  const texts = new Map(
    files.map((f) => [f, placeholders.reduce((t, [k, v]) => t.split(k).join(v), readFileSync(f, 'utf8'))]),
  );
  const linted = new Map<string, string>();
  for (const f of files) {
    if (!placeholders.length) {
      linted.set(f, f);
      continue;
    }
    const copy = join(scratch, c.short, relative(dir, f));
    mkdirSync(dirname(copy), { recursive: true });
    writeFileSync(copy, texts.get(f)!);
    linted.set(copy, f);
  }
  const out = spawnSync(SQUAWK, ['--reporter', 'json', ...linted.keys()], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (out.status !== 0 && out.status !== 1) throw new Error(`squawk exited ${out.status}: ${out.stderr}`);
  const found = JSON.parse(out.stdout || '[]') as SquawkFinding[];

  const statements = new Map(files.map((f) => [f, statementsOf(f, texts.get(f)!)]));
  const squawk: Record<string, number> = {};
  const squawkSame: Record<string, number> = {};
  const pairs: Outcome['pairs'] = Object.fromEntries(
    Object.keys(GROUPS).map((g) => [g, { sq: new Map(), mc: new Map() }]),
  );
  // lock-timeout is judged once per file by squawk and once per step by migrate-check: compared per file.
  const pairKey = (group: string, s: Statement) => (group === 'lock-timeout' ? s.file : s.key);
  for (const f of found) {
    const file = linted.get(resolve(f.file)) ?? resolve(f.file);
    const s = statementAt(statements.get(file) ?? [], f.line + 1, f.column + 1);
    count(squawk, f.rule_name);
    if (s?.sameFile) count(squawkSame, f.rule_name);
    if (!s) continue;
    for (const [group, rules] of Object.entries(GROUPS)) {
      if (!rules.includes(f.rule_name)) continue;
      const known = pairs[group]!.sq.get(pairKey(group, s)) ?? { ...s, rules: new Set<string>() };
      known.rules.add(f.rule_name);
      pairs[group]!.sq.set(pairKey(group, s), known);
    }
  }
  const mc: Record<string, number> = {};
  for (const f of [...report.findings, ...(report.suppressed ?? [])]) {
    if (!(MC_CHECKS as readonly string[]).includes(f.check)) continue;
    count(mc, f.check);
    const s = f.file && f.line ? statementAt(statements.get(abs(f.file)) ?? [], f.line) : undefined;
    if (s && pairs[f.check]) pairs[f.check]!.mc.set(pairKey(f.check, s), s);
  }
  return {
    c,
    mode,
    ms: performance.now() - started,
    files: files.length,
    migrations: d.migrations.length,
    failed: d.steps.filter((s) => s.status === 'failed' && s.attempt === 1).length,
    notChecked: d.migrations.filter(
      (m) =>
        m.up &&
        !d.steps.some((s) => s.version === m.version && s.direction === 'up' && s.attempt === 1 && s.status === 'ok'),
    ).length,
    statementsObserved: d.steps.reduce((n, s) => n + (s.attempt === 1 ? (s.statements?.length ?? 0) : 0), 0),
    mc,
    failures: d.steps
      .filter((s) => s.status === 'failed' && s.attempt === 1)
      .map((s) => `${s.direction} of ${relative(dir, s.file)}: ${s.error?.message ?? ''}`),
    squawk,
    squawkSame,
    pairs,
  };
}

// One embedded server for every directory; each run only drops its own scratch databases.
const only = process.env.CORPUS_ONLY?.split(',');
const scratch = mkdtempSync(join(tmpdir(), 'mc-squawk-'));
const embedded = await startEmbedded();
const server: Server = {
  ...embedded,
  createDatabase: (p) => embedded.createDatabase(p),
  [Symbol.asyncDispose]: async () => {},
};
const outcomes: Outcome[] = [];
try {
  for (const c of CASES.filter((x) => !only || only.includes(x.dir) || only.includes(x.short))) {
    outcomes.push(await runCase(c, server, scratch));
    const o = outcomes.at(-1)!;
    console.error(`${c.dir}: ${o.skipped ? `skipped (${o.skipped})` : `${(o.ms / 1000).toFixed(0)} s`}`);
  }
} finally {
  await embedded[Symbol.asyncDispose]();
  rmSync(scratch, { recursive: true, force: true });
}

const ran = outcomes.filter((o) => !o.skipped);
const COLS = [...ran.map((o) => o.c.short), 'total'];
const W = Math.max(...COLS.map((c) => c.length)) + 1;
function table(title: string, rows: [string, (o: Outcome) => number | string][]): void {
  const label = Math.max(...rows.map(([l]) => l.length));
  console.log(`\n${title}\n${''.padEnd(label)} ${COLS.map((c) => c.padStart(W)).join('')}`);
  for (const [l, cell] of rows) {
    const cells = ran.map(cell);
    const total = cells.every((x) => typeof x === 'number') ? (cells as number[]).reduce((a, b) => a + b, 0) : '';
    console.log(`${l.padEnd(label)} ${[...cells, total].map((x) => String(x).padStart(W)).join('')}`);
  }
}

console.log(
  `migrate-check (per-migration roundtrip with seeded rows; a directory without downs as a whole; lock-timeout on) vs squawk ${spawnSync(SQUAWK, ['--version'], { encoding: 'utf8' }).stdout.trim()} on the shared corpus`,
);
for (const o of outcomes.filter((x) => x.skipped)) console.log(`skipped ${o.c.dir}: ${o.skipped}`);
table('directory', [
  ['roundtrip', (o) => (o.mode === 'per-migration' ? 'per-mig' : 'all')],
  ['migrations', (o) => o.migrations],
  ['SQL files linted', (o) => o.files],
  ['statements observed (first up, down)', (o) => o.statementsObserved],
  ['failed steps (first up, down)', (o) => o.failed],
  ['ups not applied', (o) => o.notChecked],
  ['seconds', (o) => Math.round(o.ms / 1000)],
]);
for (const o of ran) for (const f of o.failures) console.log(`${o.c.short}: the ${f}`);
table(
  'migrate-check findings',
  MC_CHECKS.map((id) => [id, (o) => o.mc[id] ?? 0]),
);
const rules = [...new Set(ran.flatMap((o) => Object.keys(o.squawk)))].sort((a, b) =>
  ran.reduce((n, o) => n + (o.squawk[b] ?? 0) - (o.squawk[a] ?? 0), 0),
);
table(
  'squawk findings per rule',
  rules.map((r) => [r, (o) => o.squawk[r] ?? 0]),
);
table(
  '… of them on a table created earlier in the same file',
  rules.map((r) => [r, (o) => o.squawkSame[r] ?? 0]),
);

for (const [group, members] of Object.entries(GROUPS)) {
  const p = (o: Outcome) => o.pairs[group]!;
  const unit = group === 'lock-timeout' ? 'files' : 'statements';
  const sqOnly = (o: Outcome) =>
    [...p(o).sq.values()].filter((s) => !p(o).mc.has(group === 'lock-timeout' ? s.file : s.key));
  table(`${group} ↔ squawk ${members.join(', ')} (${unit})`, [
    ...members.map((r): [string, (o: Outcome) => number] => [`  squawk ${r} findings`, (o) => o.squawk[r] ?? 0]),
    [`squawk ${unit} flagged`, (o) => p(o).sq.size],
    [`  on a table created in the same file`, (o) => [...p(o).sq.values()].filter((s) => s.sameFile).length],
    [`migrate-check ${unit} flagged`, (o) => p(o).mc.size],
    [`both`, (o) => [...p(o).mc.keys()].filter((k) => p(o).sq.has(k)).length],
    [`squawk only, existing table`, (o) => sqOnly(o).filter((s) => !s.sameFile).length],
    [`squawk only, same-file table`, (o) => sqOnly(o).filter((s) => s.sameFile).length],
    [`migrate-check only`, (o) => [...p(o).mc.keys()].filter((k) => !p(o).sq.has(k)).length],
  ]);
}

// A few statements each side flags alone, by rule, to read by hand (spread over directories).
console.log('\nExamples of disagreements (statement, file:line):');
const where = (o: Outcome, s: Statement) =>
  `${o.c.short} ${relative(join(CORPUS, o.c.dir, o.c.path), s.file)}:${s.line}`;
const examples = new Map<string, { dir: string; text: string }[]>();
const add = (tag: string, o: Outcome, s: Statement) =>
  examples.set(tag, [...(examples.get(tag) ?? []), { dir: o.c.short, text: `${where(o, s)}: ${s.text}` }]);
for (const group of ['blocking-lock', 'table-rewrite']) {
  for (const o of ran) {
    const p = o.pairs[group]!;
    for (const s of p.sq.values())
      if (!p.mc.has(s.key))
        add(`${group} squawk-only ${[...s.rules].join('+')}${s.sameFile ? ' (same-file table)' : ''}`, o, s);
    for (const s of p.mc.values()) if (!p.sq.has(s.key)) add(`${group} migrate-check-only`, o, s);
  }
}
for (const [tag, list] of examples) {
  const picked = [...new Map(list.map((x) => [x.dir, x])).values(), ...list]
    .filter((x, i, all) => all.indexOf(x) === i)
    .slice(0, Number(process.env.EXAMPLES ?? 3));
  console.log(`  [${tag}] ${list.length}`);
  for (const x of picked) console.log(`    ${x.text}`);
}
