import type pg from 'pg';
import { basename } from 'node:path';
import { executeScript, type Guard, type StepError } from './execute.ts';
import type { ClusterWatch } from './outside/cluster.ts';
import type { Reach } from './outside/statements.ts';
import type { Direction, Migration, MigrationSet, Script } from './migration.ts';
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

export interface ReplayResult {
  steps: Step[];
  mismatches: Mismatch[];
  /** The schema after the replay (after the last successful step). */
  head: Schema;
  /** The schema just before each migration's first up, for the migrations in `keepBefore`. */
  before: Map<string, Schema>;
  /** What each roundtripped migration's up changed (before its up → after it). */
  changes: Map<string, SchemaDiff>;
}

/** The `version` of the steps that run the prerequisites, before any migration. */
export const PRELUDE = 'prerequisites';

export interface ReplayOptions {
  set: MigrationSet;
  /** Scripts run first, as the connecting (super)user: extensions, roles, schemas. */
  prelude?: readonly Script[];
  /** The connection the prelude runs on, when it is not `migrate` (the migrations' role is not superuser). */
  setup?: pg.Client;
  /** Runs after the prelude, before the first migration. */
  afterPrelude?: () => Promise<void>;
  /** Prepares the migrations' session after the prelude (role, search_path, settings). */
  session?: (migrate: pg.Client) => Promise<void>;
  roundtrip: Roundtrip;
  /** Versions that get the per-migration roundtrip; the others are only applied up. Default: all. */
  roundtripVersions?: ReadonlySet<string>;
  /** Keep the schema from just before these versions' first up (for base-vs-head diffs). */
  keepBefore?: ReadonlySet<string>;
  /** Called as each step completes, with how many are done of how many are planned. */
  onStep?: (step: Step, done: number, total: number) => void;
  /** The timeouts, held from outside the migrations' session. */
  guard?: Guard;
  /** Watches the cluster around the database; each step records what it changed there. */
  watch?: ClusterWatch;
  /** The statements of a script that must not run (the provider refuses them). */
  refuse?: (script: Script) => Reach[];
}

/**
 * Replays a migration set on `migrate` (the connection migrations run on), snapshotting
 * through `inspect` (a second connection to the same database, so snapshot queries never
 * share session state with migrations). The replay stops at the first failed step; the
 * steps it could not run are reported as skipped.
 */
export async function replay(migrate: pg.Client, inspect: pg.Client, options: ReplayOptions): Promise<ReplayResult> {
  const { set, roundtrip } = options;
  const tracker = new SchemaTracker(inspect);
  const steps: Step[] = [];
  const mismatches: Mismatch[] = [];
  const before = new Map<string, Schema>();
  const changes = new Map<string, SchemaDiff>();
  let stopped = false;

  for (const script of options.prelude ?? []) {
    const started = performance.now();
    const error = await executeScript(options.setup ?? migrate, script);
    const step: Step = { version: PRELUDE, name: basename(script.file), direction: 'up', attempt: 1, status: error ? 'failed' : 'ok', file: script.file, durationMs: Math.round(performance.now() - started) };
    if (error) {
      step.error = error;
      steps.push(step);
      return { steps, mismatches, head: await tracker.reset(), before, changes };
    }
    steps.push(step);
  }
  await options.afterPrelude?.();
  await options.session?.(migrate);
  if (set.bookkeeping) await migrate.query(set.bookkeeping);
  await tracker.reset();
  // What the prerequisites did to the cluster is the team's own setup; migrations start from here.
  await options.watch?.start();

  const migrations = set.migrations.filter((m) => m.up || m.down);
  const roundtrips = (m: Migration) => Boolean(m.up && m.down && (options.roundtripVersions?.has(m.version) ?? true));
  const ups = migrations.filter((m) => m.up).length + steps.length;
  const total =
    roundtrip === 'per-migration'
      ? ups + 2 * migrations.filter(roundtrips).length
      : roundtrip === 'all'
        ? 2 * ups + migrations.filter((m) => m.down).length
        : ups;

  const apply = async (m: Migration, direction: Direction, attempt: 1 | 2): Promise<boolean> => {
    const script = direction === 'up' ? m.up : m.down;
    if (!script) return true;
    const step: Step = { version: m.version, name: m.name, direction, attempt, status: 'skipped', file: script.file, durationMs: 0 };
    steps.push(step);
    const refused = stopped ? [] : (options.refuse?.(script) ?? []);
    if (refused.length) {
      const first = refused[0]!;
      step.status = 'failed';
      step.refused = refused;
      step.error = { message: `not run: ${first.what} acts outside the scratch database`, code: REFUSED, file: script.file, line: first.line, column: first.column, located: true };
      stopped = true;
    } else if (!stopped) {
      const started = performance.now();
      const error = await executeScript(migrate, script, options.guard);
      step.durationMs = Math.round((performance.now() - started) * 10) / 10;
      step.status = error ? 'failed' : 'ok';
      if (error) {
        step.error = error;
        stopped = true;
      }
      const outside = await options.watch?.changes();
      if (outside?.length) step.outside = outside;
    }
    options.onStep?.(step, steps.length, total);
    return step.status === 'ok';
  };
  const compare = async (kind: Mismatch['kind'], expected: Schema, version: string | null, file: string) => {
    const diff = diffSchemas(expected, await tracker.refresh());
    if (!diff.equal) mismatches.push({ kind, version, file, diff });
  };
  const file = (s: Script | null) => s?.file ?? set.directory;

  if (roundtrip === 'per-migration') {
    let stale = false; // the tracker has not seen the latest ups
    for (const m of migrations) {
      // Migrations applied up only (merged ones, with a base) need no snapshot of their own:
      // the schema is read just before the next one that is roundtripped or kept.
      const kept = options.keepBefore?.has(m.version) ?? false;
      let start: Schema | null = null;
      if (roundtrips(m) || kept) {
        start = stale ? await tracker.refresh() : tracker.schema;
        stale = false;
      }
      if (kept) before.set(m.version, start!);
      if (!(await apply(m, 'up', 1))) continue;
      if (!roundtrips(m)) {
        stale = true;
        continue;
      }
      const afterUp = await tracker.refresh();
      changes.set(m.version, diffSchemas(start!, afterUp));
      if (!(await apply(m, 'down', 1))) continue;
      await compare('down-reverts-up', start!, m.version, file(m.down));
      if (!(await apply(m, 'up', 2))) continue;
      await compare('up-repeatable', afterUp, m.version, file(m.up));
    }
  } else {
    const start = tracker.schema;
    for (const m of migrations) {
      if (options.keepBefore?.has(m.version)) before.set(m.version, await tracker.refresh());
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
  return { steps, mismatches, head: await tracker.refresh(), before, changes };
}
