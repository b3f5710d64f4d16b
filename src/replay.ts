import type pg from 'pg';
import { basename } from 'node:path';
import { executeScript, toStepError, type Guard, type StepError } from './execute.ts';
import type { ClusterWatch } from './outside/cluster.ts';
import { reachOf, type Reach } from './outside/statements.ts';
import { connectionEnded, DatabaseError } from './errors.ts';
import { ScriptObserver, type StatementObservation } from './observe/observer.ts';
import { namesIn, trackRelations, type Tracked } from './observe/relations.ts';
import { DataStage, type SeedingRecord } from './seed/stage.ts';
import type { DataLoss } from './seed/fingerprint.ts';
import type { SeedFile } from './seed/seed-files.ts';
import {
  codeBefore,
  migrationId,
  type Direction,
  type Migration,
  type MigrationSet,
  type Script,
} from './migration.ts';
import { SchemaTracker, type Schema } from './schema/snapshot.ts';
import { diffSchemas, type SchemaDiff } from './schema/diff.ts';

export type Roundtrip = 'per-migration' | 'all' | 'none';

export interface Step {
  version: string;
  name: string;
  direction: Direction;
  attempt: 1 | 2;
  status: 'ok' | 'failed' | 'skipped';
  file: string;
  durationMs: number;
  error?: StepError;
  /** What the step changed in the cluster outside its database (roles, databases, settings …). */
  outside?: string[];
  /** Statements the provider refused to run (they act outside the scratch database). */
  refused?: Reach[];
  /** What the server did for each statement (roundtripped migrations, when observed). */
  statements?: StatementObservation[];
  /**
   * The error this step raised on the seeded rows: it then ran again on empty tables and passed
   * (status `ok`), so only the data made it fail.
   */
  failedOnData?: StepError;
  /** The user's seed files whose rows were in the tables when it failed on them (else the rows were generated). */
  seedFiles?: string[];
  /**
   * When it failed on the rows, the statements before the failing one stayed applied (it runs
   * outside a transaction, or commits its own): a deploy that fails so is left half-applied.
   */
  halfApplied?: boolean;
}

/** The SQLSTATE-like code of a step that was not run because its statements were refused. */
export const REFUSED = 'refused';

/** Two schemas that should have been equal, and were not. */
export interface Mismatch {
  kind: 'down-reverts-up' | 'up-repeatable';
  /** The migration whose down (or second up) produced `diff`; null for a whole-directory roundtrip. */
  version: string | null;
  file: string;
  /** `before`: the schema expected; `after`: the schema found. */
  diff: SchemaDiff;
}

/** Migrations whose steps could not run, and why. */
export interface NotChecked {
  /** Their versions (`migrationId`: a Flyway repeatable is `R <description>`). */
  versions: string[];
  reason: string;
}

export interface ReplayResult {
  steps: Step[];
  /** Migrations the replay could not check (after an up that fails, a refused file …). */
  notChecked: NotChecked[];
  mismatches: Mismatch[];
  /** The schema after the replay (after the last successful step). */
  head: Schema;
  /** The schema just before each migration's first up, for the migrations in `keepBefore`, by `migrationId`. */
  before: Map<string, Schema>;
  /** What each roundtripped migration's up changed (before its up → after it), by `migrationId`. */
  changes: Map<string, SchemaDiff>;
  /** Rows seeded into each table (`schema.table`) before the migrations that touch it. */
  seeded?: Map<string, number>;
  /** What the seeding did before each roundtripped migration (tables filled, skipped and why). */
  seeding?: SeedingRecord[];
  /** Verify scripts (`Migration.verify`) that failed after their up, each with the up's attempt. */
  verifyFailures?: { version: string; file: string; attempt: 1 | 2; error: StepError }[];
  /** Values of columns that existed before a migration's up, lost or changed after its down. */
  dataLoss?: { version: string; file: string; losses: DataLoss[] }[];
}

/** The names a migration's up and down SQL could use for a table: what it touches, for observing and seeding. */
const namesOf = (m: Migration) => namesIn([m.up, m.down].flatMap((x) => x?.units.map((u) => u.sql) ?? []));

const INVALID_INDEXES = `SELECT format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'pg_toast')`;

/** The `version` of the steps that run the prerequisites, before any migration. */
export const PRELUDE = 'prerequisites';

/**
 * The `name` of the prerequisites step that failed in the session's setup (`search-path`,
 * `settings`) or the runner's own bookkeeping SQL (its version table), which follow the files.
 */
export const SESSION_SETUP = 'session setup';

export interface ReplayOptions {
  set: MigrationSet;
  /** Scripts run first, as the connecting (super)user: extensions, roles, schemas. */
  prelude?: readonly Script[];
  /** Prepares the migrations' session after the prelude (role, search_path, settings). */
  session?: (migrate: pg.Client) => Promise<void>;
  roundtrip: Roundtrip;
  /** The migrations (`migrationId`) that get the roundtrip; the rest are applied up only. Default: all. */
  roundtripIds?: ReadonlySet<string>;
  /** Keep the schema from just before these migrations' (`migrationId`) first up (for base-vs-head diffs). */
  keepBefore?: ReadonlySet<string>;
  /** Called as each step completes, with how many are done of how many are planned. */
  onStep?: (step: Step, done: number, total: number) => void;
  /** The timeouts, held from outside the migrations' session. */
  guard?: Guard;
  /** Watches the cluster around the database; each step records what it changed there. */
  watch?: ClusterWatch;
  /**
   * Observe what the server does for each statement of the roundtripped migrations (locks,
   * rewrites, scans, time; see observe/observer.ts). The migrations only applied are never observed.
   */
  observe?: boolean;
  /**
   * Seed the existing tables each roundtripped migration touches before it runs, with `rows`
   * rows per table (seed/stage.ts), and compare their values after its down.
   */
  seed?: { rows: number; files?: readonly SeedFile[] };
  /**
   * A pull request check: a merged migration (applied up only) that fails after a migration written
   * in code, with none of the pull request's migrations before it, most likely needs what that code
   * does, which the replay cannot run: it is gone past as that one was (`after-skipped`), not a
   * deploy that stops there.
   */
  goPast?: boolean;
  /** The statements of a script that must not run (the provider refuses them). */
  refuse?: (script: Script) => Reach[];
  /**
   * A new, empty database on the same server, for when a broken down leaves the database in a
   * state no deploy would have: the replay rebuilds the deploy's state there (prelude and ups
   * only) and goes on. Without it, the replay stops at such a migration.
   */
  fresh?: () => Promise<Connections>;
  /**
   * The database already holds the state the first `resumeAt` migrations leave, with the
   * prerequisites and the runner's bookkeeping (a cached base state): the replay starts at the
   * next one, after preparing the session. A database rebuilt later (`fresh`) is prepared in full.
   */
  resumeAt?: number;
}

/** The snapshots of a replay's database, on their own session where there is one. */
const trackerOf = (c: Connections) => new SchemaTracker(c.snapshots ?? c.inspect, { ownSession: Boolean(c.snapshots) });

/** The connections a replay works through (see `replay`). */
export interface Connections {
  migrate: pg.Client;
  inspect: pg.Client;
  /**
   * Where snapshots are read, when not on `inspect`: a superuser's session of their own (where
   * migrations, and the seeding and watching on `inspect`, may run as a role of the run's), which
   * keeps a change log and plans its reads as index lookups (snapshot.ts). Only catalog queries
   * run on it: no code a migration wrote (a trigger, a function in an index) ever runs there.
   */
  snapshots?: pg.Client;
  /** Where the prelude runs, when not on `migrate`. */
  setup?: pg.Client;
  /** Runs after the prelude, before the first migration. */
  afterPrelude?: () => Promise<void>;
  /** The database was just copied from template0 and nothing ran in it (`ScratchDatabase.fresh`). */
  fresh?: boolean;
  /** Closes these connections and drops their database, for those `ReplayOptions.fresh` made. */
  release?: () => Promise<void>;
}

/**
 * Replays a migration set on `migrate` (the connection migrations run on), snapshotting
 * through `inspect` (a second connection to the same database, so snapshot queries never
 * share session state with migrations).
 *
 * An up that fails, or is refused, ends the replay as it ends a deploy: the later migrations
 * are not checked (`notChecked`). A down that fails, or an up that cannot be applied again
 * after its down, is reported and the replay goes on from the state a deploy would have (the
 * up applied once): where the database is not in that state any more, it is rebuilt in a
 * fresh database (`fresh`).
 */
export async function replay(first: Connections, options: ReplayOptions): Promise<ReplayResult> {
  const ran: { script: Script | null } = { script: null };
  try {
    return await replaySteps(first, options, ran);
  } catch (error) {
    throw (ran.script && sessionsEndedBy(ran.script, error)) || error;
  }
}

/**
 * The error for a script that ended the sessions migrate-check reads the database with
 * (pg_terminate_backend on the database's other sessions, as a migration does to clear the
 * application's connections out): it names the call and says how to keep those sessions out of
 * it. Null when `error` is not a connection that ended, or the script ends no session.
 */
function sessionsEndedBy(script: Script, error: unknown): DatabaseError | null {
  if (!connectionEnded(error)) return null;
  const call = reachOf(script).find((r) => r.what === 'pg_terminate_backend()');
  if (!call) return null;
  return new DatabaseError(
    `${call.file}:${call.line}: ${call.what} ended the sessions migrate-check reads the database with ` +
      `(${error.message}), so the check cannot go on past this migration; no verdict was reached. ` +
      `On the scratch database the only other sessions are migrate-check's, whose application_name ` +
      `starts with "migrate-check": leave them out of the sessions it ends, e.g. with ` +
      `\`AND application_name NOT LIKE 'migrate-check%'\` in its WHERE clause.`,
  );
}

async function replaySteps(
  first: Connections,
  options: ReplayOptions,
  ran: { script: Script | null },
): Promise<ReplayResult> {
  const { set, roundtrip } = options;
  /** The connections the replay runs on now: `first`, or those of the latest rebuild. */
  let current = first;
  let tracker = trackerOf(first);
  const steps: Step[] = [];
  const mismatches: Mismatch[] = [];
  const before = new Map<string, Schema>();
  const changes = new Map<string, SchemaDiff>();
  const notChecked: NotChecked[] = [];
  let stopped = false;
  const migrations = set.migrations.filter((m) => m.up || m.down);
  /** Ends the replay: the migrations after `after` (or those listed) are not checked. */
  const stop = (after: number | Migration[], reason: string) => {
    stopped = true;
    const versions = (typeof after === 'number' ? migrations.slice(after + 1) : after).map(migrationId);
    if (versions.length) notChecked.push({ versions, reason });
  };

  // A cached base state stands for the first migrations only where each is replayed on its own.
  const resumeAt = roundtrip === 'per-migration' ? (options.resumeAt ?? 0) : 0;

  /** Prelude, session and the runner's bookkeeping: null when done, or the failed step. */
  const prepare = async (connections: Connections, record: boolean): Promise<Step | null> => {
    const resumed = record && resumeAt > 0;
    /** Records one prerequisites step that took since `started`; returns it when it failed. */
    const done = (name: string, file: string, started: number, error: StepError | null): Step | null => {
      const step: Step = {
        version: PRELUDE,
        name,
        direction: 'up',
        attempt: 1,
        status: error ? 'failed' : 'ok',
        file,
        durationMs: Math.round(performance.now() - started),
        ...(error ? { error } : {}),
      };
      if (record) steps.push(step);
      return error ? step : null;
    };
    for (const script of resumed ? [] : (options.prelude ?? [])) {
      const started = performance.now();
      const error = await executeScript(connections.setup ?? connections.migrate, script);
      const failed = done(basename(script.file), script.file, started, error);
      if (failed) return failed;
    }
    await connections.afterPrelude?.();
    const started = performance.now();
    try {
      await options.session?.(connections.migrate);
      if (set.bookkeeping && !resumed) await connections.migrate.query(set.bookkeeping);
    } catch (error) {
      // The server refused the settings or the runner's table (a search_path naming no schema that
      // exists): a deploy fails there too. Anything else (a lost connection) is not the migrations'.
      const code = (error as pg.DatabaseError)?.code;
      if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) throw error;
      return done(SESSION_SETUP, set.directory, started, toStepError(error, set.directory, null));
    }
    return null;
  };
  /**
   * Prepares `connections`, with the tracker's first read done: of a fresh database before the
   * prelude (its schema is known), then what the prelude and bookkeeping did, from the change log
   * (or the catalog rows they wrote).
   */
  const prepareTracked = async (connections: Connections, record: boolean) => {
    const early = Boolean(connections.fresh);
    if (early) await tracker.resetFresh();
    const failed = await prepare(connections, record);
    await (early ? tracker.refresh() : tracker.reset());
    return failed;
  };
  const failedPrelude = await prepareTracked(first, true);
  if (failedPrelude) {
    stop(
      -1,
      failedPrelude.name === SESSION_SETUP
        ? `the session's settings or the runner's own table cannot be set up (${failedPrelude.error!.message})`
        : `the prerequisites file ${failedPrelude.file} fails`,
    );
    return { steps, notChecked, mismatches, head: tracker.schema, before, changes };
  }
  // What the prerequisites did to the cluster is the team's own setup; migrations start from here.
  await options.watch?.start();
  // A superuser's watch reads its digest with the snapshot after each step (one round trip for both).
  const digest = options.watch?.digest;
  if (digest) tracker.watchCluster(digest);

  /** Merged migrations that failed after one the replay cannot run, and that it went past. */
  const wentPast = new Set<string>();
  /** A migration being checked (not merged history): its up is observed and seeded even without a down. */
  const checked = (m: Migration) => Boolean(m.up && (options.roundtripIds?.has(migrationId(m)) ?? true));
  const roundtrips = (m: Migration) => Boolean(m.down && checked(m));
  /**
   * Seeded rows go before each roundtripped migration, and before each up-only migration a pull
   * request adds (with a base): a failure on them is told from the migration's own by running it
   * again on empty tables. A whole up-only history is not seeded: its old migrations ran long ago
   * on whatever data there was, and one that loops over its rows would wait for the timeout.
   */
  const seeded = (m: Migration) => roundtrips(m) || (checked(m) && options.roundtripIds !== undefined);
  const ups = migrations.slice(resumeAt).filter((m) => m.up).length + steps.length;
  const total =
    roundtrip === 'per-migration'
      ? ups + 2 * migrations.slice(resumeAt).filter(roundtrips).length
      : roundtrip === 'all'
        ? 2 * ups + migrations.filter((m) => m.down).length
        : ups;

  /** The relations that existed before each observed migration's first up. */
  const tracked = new Map<string, Tracked>();
  // Seeded data needs a migration's own roundtrip: with `all`, the downs run long after the ups.
  const data =
    options.seed && roundtrip === 'per-migration'
      ? new DataStage(
          current.inspect,
          options.seed.rows,
          set.bookkeeping,
          options.seed.files ?? [],
          migrations.map((m) => m.version),
          (file) => runSeedFile(file),
        )
      : null;
  /** A seed file runs as the migrations do: on their session, under their timeouts and refusals. */
  const runSeedFile = async (seed: SeedFile): Promise<{ message: string; line: number | null } | null> => {
    const script: Script = {
      file: seed.path,
      units: [{ sql: seed.sql, line: 1, column: 1 }],
      transaction: 'implicit',
    };
    const refused = options.refuse?.(script)[0];
    if (refused) return { message: `not run: ${refused.what} acts outside the scratch database`, line: refused.line };
    const error = await executeScript(current.migrate, script, options.guard);
    return error && { message: error.message, line: error.line };
  };
  const dataLoss: NonNullable<ReplayResult['dataLoss']> = [];
  const observerFor = async (m: Migration): Promise<ScriptObserver | undefined> => {
    const relations = tracked.get(migrationId(m));
    if (!relations) return undefined;
    const observer = new ScriptObserver(current.migrate, relations, options.guard?.limits.lockMs);
    await observer.start();
    return observer;
  };

  /**
   * Whether a failed step left the schema as it was: a transaction rolled back, or a failed
   * `CREATE INDEX CONCURRENTLY` (which runs outside one) left only its invalid index, dropped here.
   */
  const restored = async (expected: Schema, m: Migration): Promise<boolean> => {
    if (diffSchemas(expected, await tracker.refresh()).equal) return true;
    const existed = new Set([...(tracked.get(migrationId(m))?.values() ?? [])].map((r) => r.name));
    const { rows } = await current.inspect.query<{ name: string }>(INVALID_INDEXES);
    const left = rows.map((r) => r.name).filter((n) => !existed.has(n));
    if (!left.length) return false;
    await current.inspect.query(`DROP INDEX ${left.join(', ')}`);
    return diffSchemas(expected, await tracker.refresh()).equal;
  };
  const verifyFailures: NonNullable<ReplayResult['verifyFailures']> = [];
  /**
   * Runs a migration's verify script after its up, as its tool does (sqitch runs it through psql,
   * whose session ends after the file: a transaction the script left open is rolled back).
   */
  const verify = async (m: Migration, script: Script, attempt: 1 | 2) => {
    const error = await executeScript(current.migrate, script, options.guard);
    await current.migrate.query('ROLLBACK').catch(() => {});
    if (error) verifyFailures.push({ version: m.version, file: script.file, attempt, error });
  };
  /**
   * The schema read right after the latest step (`apply` with `read`), for the caller that compares
   * it next (`readNow`); null once taken, and from the start of every step.
   */
  let latest: Schema | null = null;
  const readNow = async (): Promise<Schema> => {
    const schema = latest ?? (await tracker.refresh());
    latest = null;
    return schema;
  };
  /**
   * Runs one step. `expected`: the schema the database is in again when the script fails and rolls
   * back (a retry on empty tables needs it). `read`: the caller reads the schema next (`readNow`),
   * so it is read here, after the step, with the cluster's digest in the same round trip.
   */
  const apply = async (
    m: Migration,
    direction: Direction,
    attempt: 1 | 2,
    expected?: Schema,
    read = false,
  ): Promise<boolean> => {
    latest = null;
    const script = direction === 'up' ? m.up : m.down;
    if (!script) return true;
    const step: Step = {
      version: m.version,
      name: m.name,
      direction,
      attempt,
      status: 'skipped',
      file: script.file,
      durationMs: 0,
    };
    steps.push(step);
    const index = migrations.indexOf(m);
    // An up that fails ends the replay as it ends a deploy; a failing down or re-up does not.
    const ends = direction === 'up' && attempt === 1;
    const refused = stopped ? [] : (options.refuse?.(script) ?? []);
    if (refused.length) {
      const first = refused[0]!;
      step.status = 'failed';
      step.refused = refused;
      step.error = {
        message: `not run: ${first.what} acts outside the scratch database`,
        code: REFUSED,
        kind: 'refused',
        file: script.file,
        line: first.line,
        column: first.column,
        located: true,
      };
      stop(ends ? index : index - 1, `${script.file} was not run: it acts outside the scratch database`);
    } else if (!stopped) {
      const run = async () => {
        const observer = options.observe ? await observerFor(m) : undefined;
        const started = performance.now();
        ran.script = script;
        const failure = await executeScript(current.migrate, script, options.guard, observer);
        step.durationMs = Math.round((performance.now() - started) * 10) / 10;
        if (observer) step.statements = observer.finish();
        return failure;
      };
      let error = await run();
      // Failed on the seeded rows: tried again on empty tables, from the same schema, it tells the
      // data's failure (fails-on-data) from the migration's own.
      // A cancelled statement (a timeout) is not the data's failure.
      if (
        error &&
        error.kind === 'statement' &&
        !error.timedOut &&
        !['57014', '55P03'].includes(error.code) &&
        attempt === 1 &&
        seeded(m) &&
        data?.hasRows &&
        expected
      ) {
        const seedFiles = data.seedFilesInUse;
        let emptied = false;
        let halfApplied = false;
        if (await restored(expected, m)) {
          await data.empty();
          emptied = true;
        } else if (options.fresh && !(await rebuild(index, `while the state before ${file(m.up)} was rebuilt`))) {
          // The up committed part of itself before it failed (it runs outside a transaction, or
          // commits its own): the state before it, rebuilt without rows, is where it is tried again.
          tracked.set(migrationId(m), await trackRelations(current.inspect, namesOf(m)));
          emptied = true;
          halfApplied = true;
        }
        if (emptied) {
          const again = await run();
          if (!again) {
            step.failedOnData = error;
            if (seedFiles.length) step.seedFiles = seedFiles;
            if (halfApplied) step.halfApplied = true;
          }
          error = again;
        }
      }
      step.status = error ? 'failed' : 'ok';
      // A merged migration failing after one the replay could not run (a Go migration) most likely
      // needs what that one makes: the replay goes on without it, as it went on without the other.
      const afterSkipped =
        Boolean(error) &&
        ends &&
        Boolean(options.goPast) &&
        !checked(m) &&
        !migrations.slice(0, index).some(checked) &&
        codeBefore(set, m).length > 0;
      if (afterSkipped) wentPast.add(migrationId(m));
      if (error) {
        // An up applied once fails again after its down: the down left something behind.
        step.error =
          direction === 'up' && attempt === 2
            ? { ...error, kind: 'not-repeatable' }
            : afterSkipped && error.kind === 'statement'
              ? { ...error, kind: 'after-skipped' }
              : error;
        // Rolling a whole directory back stops at a failing down, before the older ones.
        if (ends && step.error.kind !== 'after-skipped') stop(index, `${script.file} fails, and a deploy stops there`);
        else if (roundtrip !== 'per-migration')
          stop(
            direction === 'down' ? migrations.slice(0, index + 1) : migrations.slice(index + 1),
            `${script.file} fails`,
          );
      }
      if (!error && direction === 'up' && m.verify) await verify(m, m.verify, attempt);
      if (read) latest = await tracker.refresh();
      const outside = await options.watch?.changes(read ? tracker.clusterDigest : undefined);
      if (outside?.length) step.outside = outside;
    }
    options.onStep?.(step, steps.length, total);
    return step.status === 'ok';
  };
  /** Whether the schema now is `expected`; a mismatch of `kind` when it is not. */
  const compare = async (kind: Mismatch['kind'], expected: Schema, version: string | null, file: string) => {
    const diff = diffSchemas(expected, await readNow());
    if (!diff.equal) mismatches.push({ kind, version, file, diff });
    return diff.equal;
  };
  const file = (s: Script | null) => s?.file ?? set.directory;

  /**
   * After a broken roundtrip of `migrations[index]`: go on from the deploy's state (its up
   * applied once), as it is, or rebuilt in a fresh database.
   */
  const recover = async (index: number, afterUp: Schema): Promise<void> => {
    if (diffSchemas(afterUp, await readNow()).equal) return;
    const m = migrations[index]!;
    if (!options.fresh) return stop(index, `the database could not be brought back to the state after ${file(m.up)}`);
    const failed = await rebuild(index + 1, `while the state after ${file(m.up)} was rebuilt`);
    if (failed) stop(index, failed);
  };
  /**
   * Goes on in a fresh database (`options.fresh`) holding the state a deploy of the first `count`
   * migrations leaves (prerequisites and ups, no rows): null, or what failed `during` it (nothing
   * switched).
   */
  async function rebuild(count: number, during: string): Promise<string | null> {
    const next = await options.fresh!();
    const failed = await (async () => {
      if (await prepare(next, false)) return `the prerequisites failed ${during}`;
      for (const earlier of migrations.slice(0, count)) {
        // One the replay went past (it needs a Go migration's work) fails here too: it goes past again.
        if (!earlier.up || wentPast.has(migrationId(earlier))) continue;
        const error = await executeScript(next.migrate, earlier.up, options.guard);
        if (error) return `${earlier.up.file} did not apply again ${during}: ${error.message}`;
      }
      return null;
    })();
    if (failed) {
      await next.release?.();
      return failed;
    }
    // The database an earlier rebuild made is done with: its sessions and itself go now (a
    // directory with many failing downs would otherwise hold a session slot per rebuild).
    const replaced = current;
    current = next;
    await replaced.release?.();
    data?.moveTo(next.inspect);
    tracker = trackerOf(next);
    if (digest) tracker.watchCluster(digest);
    await tracker.reset();
    return null;
  }

  if (roundtrip === 'per-migration') {
    let stale = false; // the tracker has not seen the latest ups
    for (const [index, m] of migrations.entries()) {
      if (index < resumeAt) continue;
      // Migrations applied up only (merged ones, with a base) need no snapshot of their own:
      // the schema is read just before the next one that is roundtripped or kept.
      const kept = options.keepBefore?.has(migrationId(m)) ?? false;
      let start: Schema | null = null;
      const watched = checked(m) && Boolean(options.observe || (data && seeded(m)));
      if (roundtrips(m) || kept || watched) {
        start = stale ? await tracker.refresh() : tracker.schema;
        stale = false;
      }
      if (kept) before.set(migrationId(m), start!);
      if (watched) {
        const relations = await trackRelations(current.inspect, namesOf(m));
        tracked.set(migrationId(m), relations);
        if (seeded(m)) await data?.before(m, relations);
      }
      if (!(await apply(m, 'up', 1, start ?? undefined, roundtrips(m)))) continue;
      if (!roundtrips(m)) {
        stale = true;
        continue;
      }
      const afterUp = await readNow();
      changes.set(migrationId(m), diffSchemas(start!, afterUp));
      await data?.afterUp();
      if (!(await apply(m, 'down', 1, afterUp, true))) {
        await recover(index, afterUp);
        continue;
      }
      const losses = (await data?.afterDown()) ?? [];
      if (losses.length) dataLoss.push({ version: m.version, file: file(m.down), losses });
      await compare('down-reverts-up', start!, m.version, file(m.down));
      if (!(await apply(m, 'up', 2, undefined, true))) {
        await recover(index, afterUp);
        continue;
      }
      // A second up that did not bring back the state after the first (its down dropped what was
      // there before): the later migrations run on the deploy's state, not on that one.
      if (!(await compare('up-repeatable', afterUp, m.version, file(m.up)))) await recover(index, afterUp);
    }
  } else {
    const start = tracker.schema;
    for (const m of migrations) {
      if (options.keepBefore?.has(migrationId(m))) before.set(migrationId(m), await tracker.refresh());
      // With `all` every migration is checked: each is observed against what existed before its up.
      if (options.observe && roundtrip === 'all' && !stopped)
        tracked.set(migrationId(m), await trackRelations(current.inspect, namesOf(m)));
      await apply(m, 'up', 1);
    }
    if (roundtrip === 'all') {
      const afterUp = await tracker.refresh();
      for (const m of [...migrations].reverse()) await apply(m, 'down', 1);
      if (!stopped) await compare('down-reverts-up', start, null, set.directory);
      for (const m of migrations) await apply(m, 'up', 2);
      if (!stopped) await compare('up-repeatable', afterUp, null, set.directory);
    }
  }
  return {
    steps,
    notChecked,
    mismatches,
    head: await tracker.refresh(),
    before,
    changes,
    ...(verifyFailures.length ? { verifyFailures } : {}),
    ...(data ? { seeded: data.seeded, seeding: data.records, dataLoss } : {}),
  };
}
