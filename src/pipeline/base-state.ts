import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../config.ts';
import { baseStateDatabase } from '../database/base-states.ts';
import type { StateBuilder } from '../database/database.ts';
import { giveDatabaseToRole } from '../database/scratch.ts';
import { sessionSetup } from '../database/session.ts';
import { errorMessage } from '../errors.ts';
import { executeScript, type Guard } from '../execute.ts';
import { migrationId, sameMigration, type Migration, type Script } from '../migration.ts';
import { PRELUDE, type ReplayResult, type Step } from '../replay.ts';
import { sessionLockTimeout } from '../timeouts.ts';
import { VERSION } from '../version.ts';
import type { LoadedDirectory } from './load.ts';
import type { ShardInfo } from '../report/report.ts';
import { shardPart } from './shard.ts';

/**
 * Fewer merged migrations than this are replayed every time: their replay costs less than the
 * start of the second server that saves the state.
 */
export const CACHED_FROM = 20;

/** A directory whose merged migrations can come from a cached base state (see database/base-states.ts). */
export interface BaseStatePlan {
  readonly directory: LoadedDirectory;
  /**
   * The migrations the state holds: the merged ones before the first new one, of those the replay
   * runs (with an up or a down: `replay`'s `resumeAt` counts them so).
   */
  readonly merged: readonly Migration[];
  /** How many they are, and the last of them. */
  readonly count: number;
  readonly through: string;
  readonly key: string;
  /** They are the migrations before a shard's range (which starts at the first not held). */
  readonly beforePart?: true;
  /**
   * They are all the directory's migrations, kept for the checks of pull requests (branches)
   * made on this commit, whose merged migrations they are: saved only, never resumed from (this
   * run checks every one of them).
   */
  readonly head?: true;
}

/**
 * The plans for the run's directories whose first migrations can come from a cached base state
 * (the others are replayed as usual): on a server migrate-check starts (embedded, container), each
 * directory in a database of its own (not `same-database`), roundtrip `per-migration`, with at
 * least CACHED_FROM such migrations:
 * - with a base (`--base`) to which the PR only adds migrations, if any, each new one
 *   roundtripped (scope `changed`): the merged migrations before the first new one;
 * - in a shard's range of a directory (`--shard`, split by range): the migrations before the
 *   range, which the shard only applies (with a base, those before the first new one too).
 */
export function baseStatePlans(
  loaded: readonly LoadedDirectory[],
  config: Config,
  shards: ShardInfo | null = null,
): BaseStatePlan[] {
  if (!savesStates(config)) return [];
  return unique(
    loaded.flatMap((directory) => {
      const part = shards ? shardPart(shards, directory.path) : 'all';
      return part === 'none' ? [] : (planFor(directory, config, part === 'all' ? null : part.versions) ?? []);
    }),
  );
}

/** Base states are kept for this run's servers: migrate-check's own, a database for each directory. */
const savesStates = (config: Config) => config.baseCache !== false && config.database !== 'url' && !config.sameDatabase;

/** Two directories of the same migrations and settings would share one state: the first has it. */
const unique = (plans: BaseStatePlan[]) => plans.filter((plan, i) => plans.findIndex((p) => p.key === plan.key) === i);

/**
 * The plans of a run without a base (a push to the base branch, in the Action) that keeps the
 * state of every migration of each directory for the pull requests after it: a later check with
 * `--base` on this commit, to which the PR only adds migrations, has these as its merged ones,
 * and its plan the same key. Saved only (after this run's own replay of them passed); on the
 * servers and under the conditions of `baseStatePlans`, not in a shard's job (which keeps the
 * migrations before its range).
 */
export function headStatePlans(loaded: readonly LoadedDirectory[], config: Config): BaseStatePlan[] {
  if (!savesStates(config) || config.shard) return [];
  return unique(
    loaded.flatMap((directory) => (directory.history ? [] : (planFor(directory, config, null, true) ?? []))),
  );
}

/**
 * The plan for one directory; `range`: the shard's migrations of it (null: all of it); `head`:
 * all its migrations, for the checks of branches made on this commit (see `headStatePlans`).
 */
function planFor(
  directory: LoadedDirectory,
  config: Config,
  range: ReadonlySet<string> | null,
  head = false,
): BaseStatePlan | null {
  const { history, settings, set } = directory;
  if (settings.roundtrip !== 'per-migration') return null;
  if (history && config.scope !== 'changed') return null;
  if (!history && !range && !head) return null;
  if (history && !history.entries.every((e) => e.status === 'new' || e.status === 'unchanged')) return null;
  const status = new Map(history?.entries.map((e) => [migrationId(e), e.status]) ?? []);
  const migrations = set.migrations.filter((m) => m.up || m.down);
  // A directory the PR leaves as it is: its state is all of it; a shard's range starts after it.
  const firstNew = history ? migrations.findIndex((m) => status.get(migrationId(m)) === 'new') : -1;
  const rangeStart = range ? migrations.findIndex((m) => range.has(migrationId(m))) : -1;
  const count = Math.min(firstNew < 0 ? migrations.length : firstNew, rangeStart < 0 ? migrations.length : rangeStart);
  if (count < CACHED_FROM) return null;
  const merged = migrations.slice(0, count);
  if (history && merged.some((m) => status.get(migrationId(m)) !== 'unchanged')) return null;
  const key = stateKey(directory, merged, config);
  return {
    directory,
    merged,
    count,
    through: migrationId(merged.at(-1)!),
    key,
    ...(count === rangeStart ? { beforePart: true as const } : {}),
    ...(head ? { head: true as const } : {}),
  };
}

/**
 * Everything the state after the merged migrations depends on, hashed (the binaries name the
 * entry): what runs, in which transactions, under which settings. File names are left out (a
 * state does not depend on how the directory was spelled on the command line).
 */
function stateKey(directory: LoadedDirectory, merged: readonly Migration[], config: Config): string {
  const { settings, set, prelude } = directory;
  const script = (s: Script | null) => s && { units: s.units, transaction: s.transaction };
  const parts = {
    tool: VERSION,
    format: set.format,
    bookkeeping: set.bookkeeping,
    prelude: prelude.map(script),
    session: { role: settings.role ?? null, searchPath: settings.searchPath ?? null, settings: settings.settings },
    timeouts: [config.statementTimeoutMs, config.lockTimeoutMs],
    migrations: merged.map((m) => ({ version: m.version, name: m.name, up: script(m.up) })),
  };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Why this run's replay of the merged migrations cannot stand for a cached state, or null when it
 * can: every step of theirs ran and passed, changed nothing outside the database, and no verify
 * script failed.
 */
export function mergedUnclean(plan: BaseStatePlan, result: ReplayResult): string | null {
  const merged = new Set(plan.merged.map(migrationId));
  if (result.notChecked.some((n) => n.versions.some((v) => merged.has(v))))
    return 'some merged migrations were not replayed';
  const verify = result.verifyFailures?.find((f) => merged.has(f.version));
  if (verify) return `the verify script ${verify.file} failed`;
  const ofMerged = (s: Step) => plan.merged.some((m) => sameMigration(m, s));
  for (const step of result.steps.filter((s) => ofMerged(s) || s.version === PRELUDE)) {
    if (step.status !== 'ok') return `${step.file} ${step.refused?.length ? 'was refused' : 'failed'}`;
    if (step.outside?.length || step.refused?.length)
      return `${step.file} changed the cluster outside its database (${step.outside?.[0] ?? 'refused'})`;
  }
  return null;
}

/**
 * Builds and seals the plans' base states on `server`, a new server of the run's binaries or image
 * that nothing else uses, each in a database of its own: the prerequisites, the session and the
 * bookkeeping, then each merged migration up, on one session as the replay runs them. The states
 * are sealed as one entry. Returns the entry's folder, or why the states were not saved (one that
 * cannot stand is left out, and said).
 */
export async function saveBaseStates(
  server: StateBuilder,
  plans: readonly BaseStatePlan[],
  config: Config,
): Promise<{ saved: string; skipped: Map<BaseStatePlan, string> } | { skipped: Map<BaseStatePlan, string> }> {
  const skipped = new Map<BaseStatePlan, string>();
  for (const plan of plans) {
    const why = await applyMerged(server, plan, config).catch((error: unknown) => errorMessage(error));
    if (!why) continue;
    skipped.set(plan, why);
    await asAdmin(server, (admin) =>
      admin.query(`DROP DATABASE IF EXISTS ${baseStateDatabase(plan.key)} WITH (FORCE)`),
    );
  }
  const kept = plans.filter((plan) => !skipped.has(plan));
  if (!kept.length) return { skipped };
  return { saved: await server.seal(kept.map((plan) => plan.key)), skipped };
}

/** A client for `database` on `server` (not connected). */
function clientOf(server: StateBuilder, database: string, extra: pg.ClientConfig = {}): pg.Client {
  const c = new pg.Client({ ...server.clientConfig(database), ...extra });
  c.on('error', () => {});
  return c;
}

/** Runs `work` with a connection to the server's `postgres` database, as its superuser. */
async function asAdmin(server: StateBuilder, work: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = clientOf(server, 'postgres');
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Builds the plan's state in its database on `server`; why it cannot stand for the state, or null. */
async function applyMerged(server: StateBuilder, plan: BaseStatePlan, config: Config): Promise<string | null> {
  const { directory } = plan;
  const name = baseStateDatabase(plan.key);
  const { role } = directory.settings;
  await asAdmin(server, async (admin) => {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
    // As the replay prepares its database for the `role` setting (ScratchDatabase.useRole).
    if (role) await giveDatabaseToRole(admin, name, role);
  });
  const migrate = clientOf(server, name, {
    statement_timeout: config.statementTimeoutMs,
    lock_timeout: sessionLockTimeout(config.lockTimeoutMs),
  });
  const observer = clientOf(server, name);
  try {
    await migrate.connect();
    await observer.connect();
    const guard: Guard = { limits: { statementMs: config.statementTimeoutMs, lockMs: config.lockTimeoutMs }, observer };
    for (const script of directory.prelude) {
      const error = await executeScript(migrate, script, guard);
      if (error) return `${script.file} failed: ${error.message}`;
    }
    const setup = sessionSetup(directory.settings);
    await setup(migrate);
    if (directory.set.bookkeeping) await migrate.query(directory.set.bookkeeping);
    for (const m of plan.merged) {
      const error = m.up && (await executeScript(migrate, m.up, guard));
      if (error) return `${m.up!.file} failed: ${error.message}`;
    }
    return await leftInSession(migrate, observer, setup);
  } finally {
    await migrate.end().catch(() => {});
    await observer.end().catch(() => {});
  }
}

/**
 * What the merged migrations left in their session that a new session would not have (a setting
 * changed for the session, a temporary table, an open transaction): the migrations after them run
 * on in that session, so such a state cannot be cached. Null when there is nothing.
 */
async function leftInSession(
  migrate: pg.Client,
  fresh: pg.Client,
  setup: (client: pg.Client) => Promise<void>,
): Promise<string | null> {
  const SETTINGS = `SELECT name, setting FROM pg_settings WHERE source = 'session' ORDER BY 1`;
  const state = await migrate.query<{ open: boolean; temp: number }>(
    `SELECT now() <> statement_timestamp() AS open,
            (SELECT count(*)::int FROM pg_class WHERE relnamespace = pg_my_temp_schema()) AS temp`,
  );
  if (state.rows[0]?.open) return 'the merged migrations leave a transaction open';
  if (state.rows[0]?.temp) return 'the merged migrations leave temporary tables in their session';
  const theirs = (await migrate.query<{ name: string; setting: string }>(SETTINGS)).rows;
  await setup(fresh);
  // A new session's values of the same settings, whatever their source: a `SET TRANSACTION` leaves
  // transaction_isolation marked as set in the session after its COMMIT, at the value a new one has.
  const before = new Map(
    (
      await fresh.query<{ name: string; setting: string }>(
        'SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[])',
        [theirs.map((r) => r.name)],
      )
    ).rows.map((r) => [r.name, r.setting]),
  );
  const changed = theirs.filter(
    (r) => !['statement_timeout', 'lock_timeout'].includes(r.name) && before.get(r.name) !== r.setting,
  );
  return changed.length
    ? `the merged migrations change session settings (${changed.map((r) => r.name).join(', ')})`
    : null;
}
