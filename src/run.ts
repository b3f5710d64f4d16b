import { availableParallelism } from 'node:os';
import { settingsFor, type Config } from './config.ts';
import type { Server } from './database/database.ts';
import type { DirectoryReader } from './files/directory.ts';
import type { BaseCommit } from './history/git.ts';
import { assembleReport, type DirectoryOutcome } from './pipeline/assemble.ts';
import { judge } from './pipeline/judge.ts';
import { loadDirectory, type LoadedDirectory } from './pipeline/load.ts';
import { replayDirectories, type DirectoryReplay } from './pipeline/replay-directories.ts';
import { baseStatePlans, headStatePlans, mergedUnclean, type BaseStatePlan } from './pipeline/base-state.ts';
import { withSources } from './pipeline/sources.ts';
import type { Step } from './replay.ts';
import { ConfigError } from './errors.ts';
import { planShards, shardPart, shareOf } from './pipeline/shard.ts';
import { combineMajors } from './report/majors.ts';
import { mergeReports } from './report/merge.ts';
import type { Report } from './report/report.ts';

export { formatFor } from './pipeline/load.ts';

/** What the pipeline needs from the outside world, injected by the shells (and tests). */
export interface RunIO {
  directory(path: string): DirectoryReader;
  /** The base branch's commit for `--base` (git), or why it cannot be read. */
  openBase?(ref: string): Promise<BaseCommit | { unavailable: string }>;
  /**
   * The server to run on, of the given Postgres major; `baseStates`: the keys of the cached base
   * states wanted (an embedded server then starts from the entry holding most of them, if any).
   */
  startServer(major: number, baseStates?: readonly string[]): Promise<Server>;
  /**
   * Starts saving the states of the plans' merged migrations for the next run, together on a
   * server of their own, while the run goes on, or says why one is not saved (`unclean`: why this
   * run's replay of them cannot stand for it). Absent: base states are not saved.
   */
  saveBaseStates?(major: number, plans: readonly { plan: BaseStatePlan; unclean: string | null }[]): void;
  /**
   * A run without a base also saves the state of every migration of its directories, for the
   * checks with a base on this commit after it (`headStatePlans`): a push to the base branch in
   * the Action, `--base-cache` given to the CLI.
   */
  headStates?: boolean;
  /** The commit being checked, recorded in the report so that only one commit's reports are merged. */
  commit?(): Promise<string | null>;
  /** Progress as each step completes. */
  onStep?(directory: string, step: Step, done: number, total: number): void;
}

/**
 * The whole pipeline: load every directory (failing fast on bad input, before any database
 * starts), replay each in its own scratch database, run the checks, and return the Report.
 * Throws only ToolErrors (and their kin) for the tool's own failures.
 */
export async function run(config: Config, io: RunIO): Promise<Report> {
  const started = performance.now();
  const base = config.base
    ? await (io.openBase?.(config.base) ?? Promise.resolve({ unavailable: 'this run cannot read git history' }))
    : null;
  const loaded: LoadedDirectory[] = [];
  for (const path of config.paths)
    loaded.push(await loadDirectory(path, settingsFor(config, path), (p) => io.directory(p), base));

  if (config.shard && config.sameDatabase && config.shard.count > 1)
    throw new ConfigError(
      '`shard` splits the directories and their migrations across jobs, but `same-database` replays every ' +
        'directory in one database, one after the other: the parts depend on each other. Leave out one of the two.',
    );
  const plan = config.shard ? planShards(loaded, config.shard) : null;
  const cache = baseStatePlans(loaded, config, plan);
  const keys = cache.map((plan) => plan.key);
  // Saved only: never started from, since this run checks all of their migrations.
  const heads = io.headStates && !base ? headStatePlans(loaded, config) : [];
  /** Saves the head plans' states, each with why this run's replay cannot stand for it, if it cannot. */
  const saveHeads = (major: number, unclean: (plan: BaseStatePlan) => string | null) => {
    if (heads.length)
      io.saveBaseStates?.(
        major,
        heads.map((plan) => ({ plan, unclean: unclean(plan) })),
      );
  };
  const majors = config.postgresVersion;
  if (majors.length > 1 && config.database === 'url')
    throw new ConfigError(
      `\`postgres-version\` lists ${majors.join(', ')}, but a server you name (database-url) is one major: ` +
        'give one version, or let migrate-check start the servers (database: embedded or container).',
    );
  if (majors.length > 1 && config.database === 'container' && config.postgresImage?.includes('{major}') === false)
    throw new ConfigError(
      `\`postgres-version\` lists ${majors.join(', ')}, but \`postgres-image\` names one image ` +
        `(${config.postgresImage}): write {major} where the version goes (pgvector/pgvector:pg{major}), ` +
        'or leave it out for postgres:<major>-alpine.',
    );
  // Several majors run side by side, each on a server of its own.
  const reports = await Promise.all(
    majors.map(async (major) => {
      await using server = await io.startServer(major, keys);
      // Servers for directories replayed side by side (`jobs`), started as they are needed.
      await using others = serverStack();
      const label = (path: string) => (majors.length > 1 ? `${path} (Postgres ${major})` : path);
      const onStep = (path: string, step: Step, done: number, total: number) =>
        io.onStep?.(label(path), step, done, total);
      /** The checks over each directory's replay, and the Report of them. */
      const reportOf = (replays: readonly DirectoryReplay[]): Report => {
        const outcomes: DirectoryOutcome[] = loaded.map((directory, i) => {
          const replayed = replays[i]!;
          const { kept, suppressed } = judge(directory, replayed, server, config.scope);
          return { loaded: directory, replayed, findings: kept, suppressed };
        });
        return assembleReport(outcomes, server, config.failOn, performance.now() - started);
      };
      const ranges = plan || cache.length ? 1 : rangesFor(loaded, config, server);
      if (ranges > 1) {
        // One long directory, in consecutive ranges side by side, each on a server of its own, as
        // the jobs of `--shard` would check it; their reports joined as `merge` joins those. The
        // progress counts the steps of every range together.
        const counts = Array.from({ length: ranges }, () => ({ done: 0, total: 0 }));
        const sum = (key: 'done' | 'total') => counts.reduce((n, c) => n + c[key], 0);
        const parts = await Promise.all(
          Array.from({ length: ranges }, async (_, i) => {
            const part = planShards(loaded, { index: i + 1, count: ranges });
            const mine = i === 0 ? server : others.use(await io.startServer(major));
            const step = (path: string, s: Step, done: number, total: number) => {
              counts[i] = { done, total };
              onStep(path, s, sum('done'), sum('total'));
            };
            const replays = await replayDirectories(mine, loaded, config, step, (path) => shardPart(part, path));
            return { name: `range ${i + 1}/${ranges}`, report: shareOf(reportOf(replays), part), replays };
          }),
        );
        // Every migration is checked in one range; a failure in one stops the rest of it.
        saveHeads(major, (plan) => {
          for (const { replays } of parts) {
            const why = mergedUnclean(plan, replays[loaded.indexOf(plan.directory)]!.result);
            if (why) return why;
          }
          return null;
        });
        const { shards: _, ...joined } = mergeReports(parts);
        return { major, report: joined };
      }
      const replays = await replayDirectories(
        server,
        loaded,
        config,
        onStep,
        plan ? (path) => shardPart(plan, path) : undefined,
        config.database === 'url' ? undefined : async () => others.use(await io.startServer(major, keys)),
        cache,
      );
      // Merged migrations were replayed and passed: the states of every planned directory are saved
      // for the next run, as one entry (those that came from the cache are clean).
      const replayOf = (plan: BaseStatePlan) => replays[loaded.indexOf(plan.directory)]!;
      if (cache.some((plan) => !replayOf(plan).cachedBase))
        io.saveBaseStates?.(
          major,
          cache.map((plan) => ({
            plan,
            unclean: replayOf(plan).cachedBase ? null : mergedUnclean(plan, replayOf(plan).result),
          })),
        );
      saveHeads(major, (plan) => mergedUnclean(plan, replayOf(plan).result));
      const report = reportOf(replays);
      return { major, report: plan ? shareOf(report, plan) : report };
    }),
  );
  const report = await withSources(combineMajors(reports), (p) => io.directory(p));
  const commit = await io.commit?.();
  return commit ? { ...report, commit } : report;
}

/**
 * Servers disposed together when the scope ends, the last one started first, every one of them
 * even when one fails (as AsyncDisposableStack would, which Node 22 lacks).
 */
function serverStack() {
  const servers: Server[] = [];
  return {
    use(server: Server): Server {
      servers.push(server);
      return server;
    },
    async [Symbol.asyncDispose]() {
      const failed: unknown[] = [];
      for (const server of servers.reverse()) {
        try {
          await server[Symbol.asyncDispose]();
        } catch (error) {
          failed.push(error);
        }
      }
      if (failed.length) throw failed[0];
    },
  };
}

/**
 * How many consecutive ranges one long directory is replayed in, side by side (1: as a whole): on
 * the servers migrate-check starts (each range on one of its own, as directories side by side
 * are), for a run that roundtrips every migration of one directory (no base, or `--scope all`),
 * with RANGE_FROM migrations a range or more, up to `jobs` (by default the cores, at most 4).
 */
function rangesFor(loaded: readonly LoadedDirectory[], config: Config, server: Server): number {
  const [only] = loaded;
  if (loaded.length !== 1 || !only || config.sameDatabase) return 1;
  if (only.settings.roundtrip !== 'per-migration' || only.set.pendingTogether) return 1;
  if (only.history && config.scope !== 'all') return 1;
  const replayable = only.set.migrations.filter((m) => m.up || m.down).length;
  const jobs = config.jobs ?? Math.min(availableParallelism(), 4);
  return Math.max(1, Math.min(jobs, Math.floor(replayable / RANGE_FROM[server.provider])));
}

/**
 * Migrations a range needs before a directory is split: a range replays the migrations before it
 * up only, and starts a server of its own (0.3–1 s embedded, 2–5 s a container). 300 generated
 * migrations in two ranges on two cores took 5.3 s instead of 7.7 s; 1,000, 19.8 s instead of 25.9 s.
 */
const RANGE_FROM: Record<Server['provider'], number> = { embedded: 150, container: 400, url: Infinity };
