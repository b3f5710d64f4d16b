import { availableParallelism } from 'node:os';
import { posix } from 'node:path';
import type pg from 'pg';
import type { SeedFile } from '../seed/seed-files.ts';
import type { Config, DirectorySettings } from '../config.ts';
import type { ScratchDatabase, Server } from '../database/database.ts';
import { sessionSetup } from '../database/session.ts';
import { DatabaseError, errorMessage } from '../errors.ts';
import type { Guard } from '../execute.ts';
import { migrationId, type Migration, type MigrationSet, type Script } from '../migration.ts';
import { ClusterWatch } from '../outside/cluster.ts';
import { reachOf } from '../outside/statements.ts';
import { replay, type Connections, type ReplayOptions, type ReplayResult, type Step } from '../replay.ts';
import { prepareInspector, type Schema } from '../schema/snapshot.ts';
import { applyTogether, type TogetherResult } from '../together.ts';
import type { BaseStatePlan } from './base-state.ts';
import type { LoadedDirectory } from './load.ts';

/**
 * How many migrations a directory needs before, with `jobs` unset, it replays beside another:
 * a default roundtrip of 50 takes a few seconds, an embedded server for it starts in 0.3–1 s, a
 * container in 2–5 s (a second container for two directories of 60 made the run 0.3 s slower);
 * on a server of the user's, a directory beside another needs no server of its own.
 */
const SIDE_BY_SIDE_FROM: Record<Server['provider'], number> = { embedded: 50, container: 200, url: 1 };

/** What of a directory a job replays: nothing (another shard's), all of it, or a range of its migrations. */
export type ShardPart = 'none' | 'all' | { versions: ReadonlySet<string> };

/** What the replays of one directory produced, for the checks and the Report. */
export interface DirectoryReplay {
  result: ReplayResult;
  /** The base branch's schema (with `--base`), for the base-vs-head diff. */
  baseSchema: Schema | null;
  /**
   * With a base, when the roundtrip failed: the schema after applying every migration up once,
   * in a database of its own, as a deploy leaves it (the roundtrip's own ends where it failed).
   */
  headSchema?: Schema;
  /** The pending migrations applied in one transaction, for runners that deploy so (drizzle). */
  together: TogetherResult | null;
  /** The merged migrations came from a cached base state (the first `migrations`, through `through`): not replayed. */
  cachedBase?: { migrations: number; through: string; beforePart?: true };
}

type OnStep = (directory: string, step: Step, done: number, total: number) => void;

/**
 * Replays every directory on `server`, in order: each in a scratch database of its own (or,
 * with `same-database`, all in one), plus the base branch's replay where its migrations were
 * edited and, for runners that apply pending migrations together, that deploy.
 */
export async function replayDirectories(
  server: Server,
  directories: readonly LoadedDirectory[],
  config: Config,
  onStep?: OnStep,
  /** With `--shard`: what of each directory this job replays (by default, all of it). */
  part: (path: string) => ShardPart = () => 'all',
  /** Another server like `server`, for directories replayed side by side (see `jobs`); the caller disposes it. */
  more?: () => Promise<Server>,
  /** The directories whose merged migrations may come from a cached base state the server holds. */
  baseStates: readonly BaseStatePlan[] = [],
): Promise<DirectoryReplay[]> {
  // With `same-database`, the directories are replayed one after the other in one database,
  // as when an application's migrations run beside a library's (a job queue's) own.
  await using shared = config.sameDatabase ? await server.createDatabase('directories') : null;
  // In one shared database each prerequisites file runs once, and a directory whose replay
  // stopped leaves the database in a state the ones after it were never meant to run on.
  const preludeDone = new Set<string>();
  let sharedStopped: string | null = null;
  const replayOne = async (loaded: LoadedDirectory, server: Server): Promise<DirectoryReplay> => {
    const { path, settings, prelude, history, baseSet } = loaded;
    const mine = part(path);
    if (mine === 'none' || (mine !== 'all' && !mine.versions.size)) {
      return { result: notReplayed(loaded.set, null), baseSchema: null, together: null };
    }
    // A range: the migrations before it are only applied, and the ones after it are left out.
    const last = mine === 'all' ? -1 : loaded.set.migrations.findLastIndex((m) => mine.versions.has(migrationId(m)));
    const set = last < 0 ? loaded.set : { ...loaded.set, migrations: loaded.set.migrations.slice(0, last + 1) };
    // The shard's migrations, by `migrationId`.
    const ours = mine === 'all' ? null : mine.versions;
    const inRange = (ids: Set<string>) => (ours ? new Set([...ids].filter((id) => ours.has(id))) : ids);
    const baseState = shared ? undefined : baseStates.find((plan) => plan.directory === loaded);
    const cached = baseState ? server.baseStates?.get(baseState.key) : undefined;
    // drizzle's deploy of the pending migrations together starts from the state too: the replay
    // then takes a copy of it, and the deploy the state itself.
    const earlier = cached ? pendingTogether(loaded)?.earlier : undefined;
    const togetherFrom =
      earlier && earlier.length === baseState!.merged.length && earlier.every((m, i) => baseState!.merged[i] === m)
        ? cached
        : undefined;
    await using own = shared
      ? null
      : await server.createDatabase(path, cached, togetherFrom ? { copy: true } : undefined);
    const db = (shared ?? own)!;
    // A PR that only adds migrations after the merged ones: the base schema is the one just
    // before the first new one (a new versioned migration before Flyway's repeatables, or a new
    // repeatable among them, needs a replay of the base).
    const present = history?.entries.filter((e) => e.status !== 'deleted') ?? [];
    const firstNewAt = present.findIndex((e) => e.status === 'new');
    const firstNew = present[firstNewAt];
    const onlyAdds =
      Boolean(history?.entries.every((e) => e.status === 'new' || e.status === 'unchanged')) &&
      (firstNewAt < 0 || present.slice(firstNewAt).every((e) => e.status === 'new'));
    // The migrations a pull request adds or edits: with a base, they alone get the roundtrip.
    const changed = new Set(
      (history?.entries ?? []).filter((e) => e.status === 'new' || e.status === 'modified').map(migrationId),
    );
    // A pull request that adds or edits migrations goes past merged ones failing after a Go migration.
    const goPast = Boolean(history && config.scope === 'changed' && changed.size);
    const ownPrelude = prelude.filter((p) => !preludeDone.has(posix.normalize(p.file)));
    if (shared) for (const p of prelude) preludeDone.add(posix.normalize(p.file));
    const result = sharedStopped
      ? notReplayed(set, sharedStopped)
      : await replayIn(server, db, set, settings, ownPrelude, config, {
          roundtrip: settings.roundtrip,
          ...(loaded.seedFiles ? { seedFiles: loaded.seedFiles } : {}),
          // With a base, merged migrations are only applied; new and edited ones get the roundtrip.
          ...(history && config.scope === 'changed'
            ? { roundtripIds: inRange(changed) }
            : mine === 'all'
              ? {}
              : { roundtripIds: ours! }),
          ...(onlyAdds && firstNew ? { keepBefore: new Set([migrationId(firstNew)]) } : {}),
          ...(goPast ? { goPast } : {}),
          ...(cached ? { resumeAt: baseState!.count } : {}),
          onStep: (step, done, total) => onStep?.(path, step, done, total),
        });
    if (shared && !sharedStopped && stoppedIn(result)) {
      sharedStopped =
        `the replay of ${path} stopped before its end, and the directories after it share its ` +
        `database (same-database)`;
    }
    let baseSchema: Schema | null = null;
    if (history && onlyAdds) {
      baseSchema = firstNew ? (result.before.get(migrationId(firstNew)) ?? null) : result.head;
    } else if (history && baseSet) {
      // Base migrations were edited or deleted: the base gets a replay of its own.
      await using baseDb = await server.createDatabase(`${path}-base`);
      // Every base migration is merged: one that fails after a Go migration is gone past, as in the PR's replay.
      baseSchema = (
        await replayIn(server, baseDb, baseSet, settings, prelude, config, {
          roundtrip: 'none',
          roundtripIds: new Set(),
          ...(goPast ? { goPast } : {}),
        })
      ).head;
    }
    let headSchema: Schema | undefined;
    if (baseSchema && !shared && failed(result)) {
      await using headDb = await server.createDatabase(`${path}-head`);
      headSchema = (
        await replayIn(server, headDb, set, settings, prelude, config, {
          roundtrip: 'none',
          roundtripIds: changed,
          ...(goPast ? { goPast } : {}),
        })
      ).head;
    }
    const together = shared ? null : await replayTogether(server, loaded, config, result, togetherFrom);
    return {
      result,
      baseSchema,
      together,
      ...(headSchema ? { headSchema } : {}),
      ...(cached
        ? {
            cachedBase: {
              migrations: baseState!.count,
              through: baseState!.through,
              ...(baseState!.beforePart ? { beforePart: true as const } : {}),
            },
          }
        : {}),
    };
  };
  // In one shared database the directories follow each other; in databases of their own, up to
  // `jobs` of them replay at once. Where the cluster around the database is watched (the run's
  // own server: roles, databases and settings a migration changes are reported), each replays on
  // a server of its own, or another directory's changes would show as its own.
  const watched = !server.migrationsRole;
  const possible = shared || (watched && !more) ? 1 : directories.length;
  // By default only directories with enough work to repay another server's start go side by side.
  const from = SIDE_BY_SIDE_FROM[server.provider];
  const large = directories.filter((d) => d.set.migrations.length >= from).length;
  const jobs = Math.min(config.jobs ?? Math.min(availableParallelism(), 4, Math.max(large, 1)), possible);
  const replays: DirectoryReplay[] = new Array(directories.length);
  let next = 0;
  const worker = async (k: number) => {
    const mine = k === 0 || !watched ? server : await more!();
    while (next < directories.length) {
      const i = next++;
      replays[i] = await replayOne(directories[i]!, mine);
    }
  };
  const ended = await Promise.allSettled(Array.from({ length: Math.max(jobs, 1) }, (_, k) => worker(k)));
  const refused = ended.find((e) => e.status === 'rejected');
  if (refused) throw refused.reason;
  return replays;
}

/** The scratch databases a replay has connected to (none of them is fresh any more). */
const used = new WeakSet<ScratchDatabase>();

/**
 * From how many migrations a replay's snapshots get a session of their own on a server whose
 * connections are superuser (embedded, container), where the catalogs grow enough during the
 * replay for index lookups to pay (snapshot.ts); a smaller one spares the connection (~10 ms).
 * Where migrations run as a role of the run's (url), the snapshots always get one, for the log.
 */
const OWN_SNAPSHOT_SESSION_FROM = 100;

/** Replays `set` in `db` as the directory's settings say (role, prelude, session). */
async function replayIn(
  server: Server,
  db: ScratchDatabase,
  set: MigrationSet,
  settings: DirectorySettings,
  prelude: Script[],
  config: Config,
  options: Omit<ReplayOptions, 'set' | 'prelude' | 'session'> & {
    then?: (connections: Connections, guard: Guard) => Promise<void>;
    seedFiles?: readonly SeedFile[];
  },
): Promise<ReplayResult> {
  const clients: pg.Client[] = [];
  const rebuilt: ScratchDatabase[] = [];
  const connectTo = async (target: ScratchDatabase): Promise<Connections> => {
    // Fresh until the first replay in it connects (a `same-database` database is fresh once).
    const fresh = target.fresh && !used.has(target);
    used.add(target);
    if (settings.role) {
      await target.useRole(settings.role).catch((error: unknown) => {
        throw new DatabaseError(
          `Cannot prepare role \`${settings.role}\` on the server: ${errorMessage(error)}. The role setting ` +
            `needs a superuser connection (the embedded and container servers have one).`,
        );
      });
    }
    const timeouts = { statementTimeoutMs: config.statementTimeoutMs, lockTimeoutMs: config.lockTimeoutMs };
    // The `role` setting switches the session's user, which needs the connecting (super)user.
    const migrate = await target.connect(timeouts, settings.role ? 'admin' : 'migrations');
    clients.push(migrate);
    const inspect = await target.connect({});
    clients.push(inspect);
    const ownSession =
      server.superuserAdmin && (server.migrationsRole !== null || set.migrations.length >= OWN_SNAPSHOT_SESSION_FROM);
    const snapshots = ownSession ? await target.connect({}, 'admin') : null;
    if (snapshots) clients.push(snapshots);
    const setup =
      prelude.length && server.migrationsRole
        ? await target.connect({ statementTimeoutMs: config.statementTimeoutMs }, 'admin')
        : null;
    if (setup) clients.push(setup);
    await prepareInspector(inspect);
    if (snapshots) await prepareInspector(snapshots);
    return {
      migrate,
      inspect,
      ...(snapshots ? { snapshots } : {}),
      ...(setup ? { setup, afterPrelude: () => target.adoptSchemas() } : {}),
      ...(fresh ? { fresh: true } : {}),
    };
  };
  try {
    const first = await connectTo(db);
    const guard: Guard = {
      limits: { statementMs: config.statementTimeoutMs, lockMs: config.lockTimeoutMs },
      observer: first.inspect,
    };
    const result = await replay(first, {
      ...options,
      set,
      prelude,
      session: sessionSetup(settings),
      guard,
      observe: settings.observe,
      ...(settings.seed
        ? { seed: { rows: settings.seedRows, ...(options.seedFiles ? { files: options.seedFiles } : {}) } }
        : {}),
      // A run role cannot change the cluster; on a shared server others' changes would show.
      ...(server.migrationsRole && !settings.role ? {} : { watch: new ClusterWatch(first.inspect) }),
      ...(server.refuses.length
        ? { refuse: (script: Script) => reachOf(script).filter((r) => server.refuses.includes(r.kind)) }
        : {}),
      fresh: async () => {
        const next = await server.createDatabase(`${set.directory}-rebuilt`);
        rebuilt.push(next);
        const from = clients.length;
        const connections = await connectTo(next);
        const own = clients.slice(from);
        return {
          ...connections,
          release: async () => {
            for (const client of own) await client.end().catch(() => {});
            rebuilt.splice(rebuilt.indexOf(next), 1);
            await Promise.resolve(next[Symbol.asyncDispose]()).catch(() => {});
          },
        };
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
async function replayTogether(
  server: Server,
  loaded: LoadedDirectory,
  config: Config,
  replayed: ReplayResult,
  /** A cached base state holding exactly the migrations before the pending ones (their database). */
  state?: string,
): Promise<TogetherResult | null> {
  const { path, set, settings, prelude } = loaded;
  const plan = pendingTogether(loaded);
  // A failed step is reported by the per-migration replay.
  if (!plan || replayed.steps.some((s) => failedStep(s) && s.direction === 'up' && s.attempt === 1)) return null;
  let together: TogetherResult | null = null;
  await using db = await server.createDatabase(`${path}-together`, state);
  // From the state, the prerequisites and the earlier migrations are in the database already (the
  // runner's table is made if missing, as its migrator does).
  const earlier = state ? [] : plan.earlier;
  await replayIn(server, db, { ...set, migrations: earlier }, settings, state ? [] : prelude, config, {
    roundtrip: 'none',
    then: async ({ migrate }, guard) => {
      together = await applyTogether(migrate, [], plan.pending, guard);
    },
  });
  return together;
}

/**
 * For a runner that applies every pending migration in one transaction (drizzle): the migrations
 * it would apply together (with a base, those the PR adds; without one, the whole directory) and
 * those before them, or null when fewer than two are pending (one alone runs as the per-migration
 * replay runs it).
 */
function pendingTogether(loaded: LoadedDirectory): { earlier: Migration[]; pending: Migration[] } | null {
  const { set, history } = loaded;
  if (!set.pendingTogether) return null;
  const added = history ? new Set(history.entries.filter((e) => e.status === 'new').map(migrationId)) : null;
  const pending = set.migrations.filter((m) => m.up && (!added || added.has(migrationId(m))));
  if (pending.length < 2) return null;
  return { earlier: set.migrations.filter((m) => !pending.includes(m)), pending };
}

/** Whether any step failed or any roundtrip did not give back its schema. */
function failed(result: ReplayResult): boolean {
  return result.mismatches.length > 0 || result.steps.some(failedStep);
}

/** A step that failed, but not a merged migration failing after a Go migration: the replay went past it. */
const failedStep = (s: ReplayResult['steps'][number]) => s.status === 'failed' && s.error?.kind !== 'after-skipped';

/** Whether a replay ended before the directory's last migration (a failed prerequisite or up, a refusal). */
function stoppedIn(result: ReplayResult): boolean {
  return (
    result.notChecked.length > 0 || result.steps.some((s) => failedStep(s) && s.direction === 'up' && s.attempt === 1)
  );
}

/** The replay of a directory that was not replayed, and why (null: another shard replays it). */
function notReplayed(set: MigrationSet, reason: string | null): ReplayResult {
  const versions = set.migrations.filter((m) => m.up || m.down).map(migrationId);
  return {
    steps: [],
    notChecked: versions.length && reason ? [{ versions, reason }] : [],
    mismatches: [],
    head: new Map(),
    before: new Map(),
    changes: new Map(),
  };
}
