import type { Finding, Severity } from './checks/check.ts';
import { checks } from './checks/index.ts';
import { settingsFor, type Config, type DirectorySettings } from './config.ts';
import type { Server } from './database/database.ts';
import type { DirectoryReader } from './formats/directory.ts';
import { detectFormat, formatById } from './formats/index.ts';
import { filesOf, renderPlaceholders, type MigrationSet, type Script } from './migration.ts';
import { ConfigError, DatabaseError, ToolError, errorMessage } from './errors.ts';
import { positionsIn, splitStatements } from './formats/sql-split.ts';
import { compareHistory, type History } from './history/status.ts';
import type { BaseCommit } from './history/git.ts';
import type { Format, FormatOptions } from './formats/format.ts';
import { verifySums } from './history/verify-sum.ts';
import { applySuppressions, readSuppressions, type Suppressed } from './suppress.ts';
import { basename, dirname, posix } from 'node:path';
import pg from 'pg';
import { replay, type Connections, type ReplayOptions, type ReplayResult, type Step } from './replay.ts';
import type { ScratchDatabase } from './database/database.ts';
import { diffSchemas } from './schema/diff.ts';
import { summarizeDiff, unifiedSchemaDiff } from './schema/summary.ts';
import { fails, sortFindings, type DirectoryReport, type Report } from './report/report.ts';
import { prepareInspector, schemaText, type Schema } from './schema/snapshot.ts';
import { ClusterWatch } from './outside/cluster.ts';
import { reachOf } from './outside/statements.ts';
import { applyTogether, type TogetherResult } from './together.ts';
import type { Guard } from './execute.ts';

/** What the pipeline needs from the outside world, injected by the shells (and tests). */
export interface RunIO {
  directory(path: string): DirectoryReader;
  /** The base branch's commit for `--base` (git), or why it cannot be read. */
  openBase?(ref: string): Promise<BaseCommit | { unavailable: string }>;
  startServer(): Promise<Server>;
  /** Progress as each step completes. */
  onStep?(directory: string, step: Step, done: number, total: number): void;
}

interface Loaded {
  path: string;
  /** Each migration file's `-- migrate-check:ignore` markers: display path → check id → reason. */
  suppressions: Map<string, Map<string, string>>;
  set: MigrationSet;
  settings: DirectorySettings;
  prelude: Script[];
  history: History | null;
  /** The base branch's migrations, placeholders rendered (with `--base`). */
  baseSet: MigrationSet | null;
  historyUnavailable?: string;
}

/** The base branch's version of the directory, compared with the head's. */
async function loadHistory(
  path: string,
  head: MigrationSet,
  reader: DirectoryReader,
  format: Format,
  options: FormatOptions,
  base: BaseCommit,
): Promise<{ history: History; baseSet: MigrationSet } | { unavailable: string }> {
  const baseReader = base.directory(path);
  try {
    const files = await baseReader.list();
    const baseSet: MigrationSet = files.length
      ? await format.load(baseReader, options)
      : { directory: path, format: format.id, migrations: [], ignored: [], bookkeeping: '' };
    const history = await compareHistory(head, (f) => reader.read(f), baseSet, (f) => baseReader.read(f), { ref: base.ref, commit: base.commit });
    return { history, baseSet };
  } catch (error) {
    return { unavailable: `its version at ${base.ref} could not be read as ${format.id} (${errorMessage(error)})` };
  }
}

/** The directory's format (as configured, or detected) and the options it takes from the settings. */
export async function formatFor(reader: DirectoryReader, settings: DirectorySettings): Promise<{ format: Format; options: FormatOptions }> {
  const format = settings.format === 'auto' ? await detectFormat(reader) : formatById(settings.format);
  const options = {
    ...(settings.ordering ? { ordering: settings.ordering } : {}),
    ...(settings.noTransactionMarker ? { noTransactionMarker: settings.noTransactionMarker } : {}),
    ...(settings.custom ? { custom: settings.custom } : {}),
    ...(Object.keys(settings.placeholders).length ? { placeholders: settings.placeholders } : {}),
  };
  return { format, options };
}

/** Reads a directory the way its format's tool does, with the placeholders rendered. */
async function load(path: string, settings: DirectorySettings, io: RunIO, base: BaseCommit | { unavailable: string } | null): Promise<Loaded> {
  const reader = io.directory(path);
  const { format, options } = await formatFor(reader, settings);
  const read = await format.load(reader, options);
  const loaded = { ...read, problems: [...(read.problems ?? []), ...(await verifySums(read, reader))] };
  const compared = base && ('unavailable' in base ? base : await loadHistory(path, loaded, reader, format, options, base));
  const placeholders = { ...format.builtinPlaceholders, ...settings.placeholders };
  const set = renderPlaceholders(loaded, placeholders);
  if (format.placeholderSyntax) refuseUnresolved(set, format.placeholderSyntax);

  const prelude: Script[] = [];
  for (const file of settings.prerequisites) {
    const text = await io.directory(dirname(file)).read(basename(file)).catch((error: unknown) => {
      if (error instanceof ToolError) throw error;
      throw new ConfigError(`Prerequisites file \`${file}\` cannot be read (${errorMessage(error)}). Paths in \`prerequisites\` are relative to the working directory.`);
    });
    prelude.push({ file, units: splitStatements(text), transaction: 'none' });
  }
  // A marker in either file of a migration (its up or its down) covers both files.
  const suppressions = new Map<string, Map<string, string>>();
  for (const m of set.migrations) {
    const files = filesOf(set, m);
    const markers = new Map<string, string>();
    for (const file of files) {
      for (const [id, reason] of readSuppressions(posix.join(path, file), await reader.read(file))) markers.set(id, reason);
    }
    if (markers.size) for (const file of files) suppressions.set(posix.join(path, file), markers);
  }
  // A prerequisites file kept in the migration folder is part of the setup, not a stray file.
  const preludeFiles = new Set(prelude.map((p) => posix.normalize(p.file)));
  const inPrelude = (file: string) => preludeFiles.has(posix.normalize(posix.join(path, file)));
  return {
    path,
    settings,
    prelude,
    suppressions,
    history: compared && !('unavailable' in compared) ? compared.history : null,
    baseSet: compared && !('unavailable' in compared) ? renderPlaceholders(compared.baseSet, placeholders) : null,
    ...(compared && 'unavailable' in compared ? { historyUnavailable: compared.unavailable } : {}),
    set: {
      ...set,
      ignored: set.ignored.map((i) => (inPrelude(i.file) ? { ...i, reason: 'a prerequisites file (run before the first migration)' } : i)),
      problems: (set.problems ?? []).filter((p) => !preludeFiles.has(posix.normalize(p.file))),
    },
  };
}

/** A placeholder left in a file stops the tool itself; say which, where, and how to set it. */
function refuseUnresolved(set: MigrationSet, syntax: RegExp): void {
  for (const m of set.migrations) {
    for (const script of [m.up, m.down]) {
      for (const unit of script?.units ?? []) {
        const found = new RegExp(syntax.source, 'g').exec(unit.sql);
        if (!found) continue;
        const { line } = positionsIn(unit.sql, unit.line)(found.index);
        throw new ConfigError(
          `${script!.file}:${line} uses the placeholder ${found[0]}, which has no value: ${set.format} would refuse to run it. ` +
            `Set it in the config, e.g. "placeholders": { ${JSON.stringify(found[0])}: "value" }.`,
        );
      }
    }
  }
}

/** The migrations' session: the role they run as, their search_path and custom settings. */
function sessionSetup(settings: DirectorySettings) {
  return async (client: pg.Client) => {
    if (settings.role) await client.query(`SET SESSION AUTHORIZATION ${pg.escapeIdentifier(settings.role)}`);
    const values: [string, string][] = [...(settings.searchPath ? [['search_path', settings.searchPath] as [string, string]] : []), ...Object.entries(settings.settings)];
    for (const [name, value] of values) {
      try {
        await client.query('SELECT set_config($1, $2, false)', [name, value]);
      } catch (error) {
        throw new ConfigError(`The setting \`${name}\` = ${JSON.stringify(value)} was refused by Postgres: ${errorMessage(error)}. Check \`${name === 'search_path' ? 'search-path' : 'settings'}\` in the config.`);
      }
    }
  };
}

/** Replays `set` in `db` as the directory's settings say (role, prelude, session). */
async function replayIn(
  server: Server,
  db: ScratchDatabase,
  set: MigrationSet,
  settings: DirectorySettings,
  prelude: Script[],
  config: Config,
  options: Omit<ReplayOptions, 'set' | 'prelude' | 'session'> & { then?: (connections: Connections, guard: Guard) => Promise<void> },
): Promise<ReplayResult> {
  const clients: pg.Client[] = [];
  const rebuilt: ScratchDatabase[] = [];
  const connectTo = async (target: ScratchDatabase): Promise<Connections> => {
    if (settings.role) {
      await target.useRole(settings.role).catch((error: unknown) => {
        throw new DatabaseError(`Cannot prepare role \`${settings.role}\` on the server: ${errorMessage(error)}. The role setting needs a superuser connection (the embedded and container servers have one).`);
      });
    }
    const timeouts = { statementTimeoutMs: config.statementTimeoutMs, lockTimeoutMs: config.lockTimeoutMs };
    // The `role` setting switches the session's user, which needs the connecting (super)user.
    const migrate = await target.connect(timeouts, settings.role ? 'admin' : 'migrations');
    clients.push(migrate);
    const inspect = await target.connect({});
    clients.push(inspect);
    const setup = prelude.length && server.migrationsRole ? await target.connect({ statementTimeoutMs: config.statementTimeoutMs }, 'admin') : null;
    if (setup) clients.push(setup);
    await prepareInspector(inspect);
    return { migrate, inspect, ...(setup ? { setup, afterPrelude: () => target.adoptSchemas() } : {}) };
  };
  try {
    const first = await connectTo(db);
    const guard: Guard = { limits: { statementMs: config.statementTimeoutMs, lockMs: config.lockTimeoutMs }, observer: first.inspect };
    const result = await replay(first, {
      ...options,
      set,
      prelude,
      session: sessionSetup(settings),
      guard,
      observe: true,
      // A run role cannot change the cluster; on a shared server others' changes would show.
      ...(server.migrationsRole && !settings.role ? {} : { watch: new ClusterWatch(first.inspect) }),
      ...(server.refuses.length ? { refuse: (script: Script) => reachOf(script).filter((r) => server.refuses.includes(r.kind)) } : {}),
      fresh: async () => {
        const next = await server.createDatabase(`${set.directory}-rebuilt`);
        rebuilt.push(next);
        return connectTo(next);
      },
    });
    await options.then?.(first, guard);
    return result;
  } finally {
    for (const client of clients) await client.end().catch(() => {});
    for (const next of rebuilt) await Promise.resolve(next[Symbol.asyncDispose]()).catch(() => {});
  }
}

/**
 * For a runner that applies every pending migration in one transaction (drizzle): apply them so
 * in a database of their own: with a base, the migrations the PR adds, after the merged ones;
 * without one, the whole directory. Null when there is nothing to apply together.
 */
async function replayTogether(server: Server, loaded: Loaded, config: Config, replayed: ReplayResult): Promise<TogetherResult | null> {
  const { path, set, settings, prelude, history } = loaded;
  const added = history ? new Set(history.entries.filter((e) => e.status === 'new').map((e) => e.version)) : null;
  const pending = set.migrations.filter((m) => m.up && (!added || added.has(m.version)));
  // One migration alone runs as the per-migration replay ran it; a failed step is reported there.
  if (!set.pendingTogether || pending.length < 2 || replayed.steps.some((s) => s.status === 'failed' && s.direction === 'up' && s.attempt === 1)) return null;
  const earlier = set.migrations.filter((m) => !pending.includes(m));
  let together: TogetherResult | null = null;
  await using db = await server.createDatabase(`${path}-together`);
  await replayIn(server, db, { ...set, migrations: earlier }, settings, prelude, config, {
    roundtrip: 'none',
    then: async ({ migrate }, guard) => {
      together = await applyTogether(migrate, [], pending, guard);
    },
  });
  return together;
}

/** Whether a replay ended before the directory's last migration (a failed prerequisite or up, a refusal). */
function stoppedIn(result: ReplayResult): boolean {
  return result.notChecked.length > 0 || result.steps.some((s) => s.status === 'failed' && s.direction === 'up' && s.attempt === 1);
}

/** The replay of a directory that was not replayed, and why. */
function notReplayed(set: MigrationSet, reason: string): ReplayResult {
  const versions = set.migrations.filter((m) => m.up || m.down).map((m) => m.version);
  return { steps: [], notChecked: versions.length ? [{ versions, reason }] : [], mismatches: [], head: new Map(), before: new Map(), changes: new Map() };
}

/**
 * The whole pipeline: discover every directory (failing fast on bad input, before any
 * database starts), replay each in its own scratch database, run the checks, and return
 * the Report. Throws only ToolErrors (and their kin) for the tool's own failures.
 */
export async function run(config: Config, io: RunIO): Promise<Report> {
  const started = performance.now();
  const base = config.base ? await (io.openBase?.(config.base) ?? Promise.resolve({ unavailable: 'this run cannot read git history' })) : null;
  const sets: Loaded[] = [];
  for (const path of config.paths) sets.push(await load(path, settingsFor(config, path), io, base));

  await using server = await io.startServer();
  const directories: DirectoryReport[] = [];
  const findings: Finding[] = [];
  // With `same-database`, the directories are replayed one after the other in one database,
  // as when an application's migrations run beside a library's (a job queue's) own.
  await using shared = config.sameDatabase ? await server.createDatabase('directories') : null;
  const suppressed: Suppressed[] = [];
  // In one shared database each prerequisites file runs once, and a directory whose replay
  // stopped leaves the database in a state the ones after it were never meant to run on.
  const preludeDone = new Set<string>();
  let sharedStopped: string | null = null;
  for (const loaded of sets) {
    const { path, set, settings, prelude, suppressions, history, baseSet, historyUnavailable } = loaded;
    await using own = shared ? null : await server.createDatabase(path);
    const db = (shared ?? own)!;
    const onlyAdds = history?.entries.every((e) => e.status === 'new' || e.status === 'unchanged') ?? false;
    const firstNew = history?.entries.find((e) => e.status === 'new');
    const ownPrelude = prelude.filter((p) => !preludeDone.has(posix.normalize(p.file)));
    if (shared) for (const p of prelude) preludeDone.add(posix.normalize(p.file));
    const result = sharedStopped ? notReplayed(set, sharedStopped) : await replayIn(server, db, set, settings, ownPrelude, config, {
      roundtrip: settings.roundtrip,
      // With a base, merged migrations are only applied; new and edited ones get the roundtrip.
      ...(history && config.scope === 'changed'
        ? { roundtripVersions: new Set(history.entries.filter((e) => e.status === 'new' || e.status === 'modified').map((e) => e.version)) }
        : {}),
      // A PR that only adds migrations: the base schema is the one just before the first new one.
      ...(onlyAdds && firstNew ? { keepBefore: new Set([firstNew.version]) } : {}),
      onStep: (step, done, total) => io.onStep?.(path, step, done, total),
    });
    if (shared && !sharedStopped && stoppedIn(result)) {
      sharedStopped = `the replay of ${path} stopped before its end, and the directories after it share its database (same-database)`;
    }
    let baseSchema: Schema | null = null;
    if (history && onlyAdds) {
      baseSchema = firstNew ? (result.before.get(firstNew.version) ?? null) : result.head;
    } else if (history && baseSet) {
      // Base migrations were edited or deleted: the base gets a replay of its own.
      await using baseDb = await server.createDatabase(`${path}-base`);
      baseSchema = (await replayIn(server, baseDb, baseSet, settings, prelude, config, { roundtrip: 'none' })).head;
    }
    const together = shared ? null : await replayTogether(server, loaded, config, result);
    const found: Finding[] = [];
    for (const check of checks) {
      const setting = settings.checks[check.id] ?? (check.defaultSeverity === 'off' ? 'off' : undefined);
      if (setting === 'off') continue;
      for (const { severity, ...f } of check.run({ set, replay: result, together, history, provider: server.provider, ...(historyUnavailable ? { historyUnavailable } : {}), ...(settings.namingConventions ? { conventions: settings.namingConventions } : {}), observed: { sizes: { seeded: new Map() }, maxLockMs: null, noTransaction: '' } })) {
        found.push({ check: check.id, severity: setting ?? severity ?? (check.defaultSeverity as Severity), ...f });
      }
    }
    const { kept, suppressed: silenced } = applySuppressions(found, suppressions);
    findings.push(...kept);
    suppressed.push(...silenced);
    directories.push({
      path,
      format: set.format,
      roundtrip: settings.roundtrip,
      migrations: [
        ...set.migrations.map((m) => {
          const status = history?.entries.find((e) => e.status !== 'deleted' && e.version === m.version && e.name === m.name)?.status;
          const changes = result.changes.get(m.version);
          return {
            version: m.version,
            name: m.name,
            up: m.up?.file ?? null,
            down: m.down?.file ?? null,
            ...(m.code ? { code: m.code } : {}),
            ...(status ? { status } : {}),
            ...(changes ? { changes: summarizeDiff(changes) } : {}),
          };
        }),
        ...(history?.entries ?? [])
          .filter((e) => e.status === 'deleted')
          .map((e) => ({ version: e.version, name: e.name, up: null, down: null, status: e.status })),
      ],
      ...(history ? { base: history.base } : {}),
      ignored: [...set.ignored],
      steps: result.steps,
      ...(result.notChecked.length ? { notChecked: result.notChecked } : {}),
      schema: {
        head: schemaText(result.head),
        ...(baseSchema
          ? { base: schemaText(baseSchema), diff: unifiedSchemaDiff(baseSchema, result.head), summary: summarizeDiff(diffSchemas(baseSchema, result.head)) }
          : {}),
      },
    });
  }
  const sorted = sortFindings(findings);
  return {
    schemaVersion: 1,
    ok: !sorted.some((f) => fails(f.severity, config.failOn)),
    failOn: config.failOn,
    postgres: { version: server.version, provider: server.provider },
    durationMs: Math.round(performance.now() - started),
    directories,
    findings: sorted,
    ...(suppressed.length ? { suppressed: sortFindings(suppressed) as Suppressed[] } : {}),
  };
}
