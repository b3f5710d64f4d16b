import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DEFAULTS, type Config } from './config.ts';
import { containerStatesHeld, imageFor, startContainer } from './database/container.ts';
import type { Server, StateCache } from './database/database.ts';
import { startServer } from './database/index.ts';
import { embeddedStatesHeld, startEmbedded } from './database/embedded.ts';
import { saveBaseStates, type BaseStatePlan } from './pipeline/base-state.ts';
import { fsDirectory } from './files/directory.ts';
import { headCommit, openBase } from './history/git.ts';
import { errorMessage, ToolError } from './errors.ts';
import { asReport, type NamedReport } from './report/merge.ts';
import type { RunIO } from './run.ts';

/**
 * The outside world of a real run, for the CLI and the Action alike: migration folders on disk,
 * the base branch from the git repository around `cwd`, and the server the config asks for.
 */
export function localIO(
  config: Config,
  cwd: string,
  progress: (line: string) => void,
  options: {
    /** The commit checked, when the caller knows it (the pull request's head in the Action); else `HEAD`. */
    commit?: string;
    /**
     * A running default embedded server, for tests that run the CLI or the Action many times in
     * one process: the run's first server whenever the config asks for the default one (a server
     * for directories side by side is started as usual).
     */
    shared?: Server;
    /** Where base states are kept beyond the cache folder (the runner's cache, in the Action). */
    stateCache?: StateCache;
    /** A run without a base saves the state of all its migrations (RunIO's `headStates`). */
    headStates?: boolean;
  } = {},
): Omit<RunIO, 'onStep'> & { settled(): Promise<void> } {
  const { commit, shared, stateCache, headStates } = options;
  // Lent once: the run's first server; a server for directories side by side is started as usual.
  let lendable =
    config.database === 'embedded' &&
    !config.postgresBin &&
    config.postgresVersion.join() === DEFAULTS.postgresVersion.join()
      ? shared
      : undefined;
  /** Base states being saved (they never reject). */
  const saving: Promise<void>[] = [];
  const which = (plan: BaseStatePlan) =>
    plan.beforePart ? "migrations before this job's part" : plan.head ? 'migrations' : 'merged migrations';
  const what = (plans: readonly BaseStatePlan[]) =>
    plans.length === 1
      ? `the state after the ${plans[0]!.count} ${which(plans[0]!)} of ${plans[0]!.directory.path}`
      : plans.every((p) => which(p) === which(plans[0]!))
        ? `the states after the ${which(plans[0]!)} of ${plans.map((p) => `${p.directory.path} (${p.count})`).join(', ')}`
        : `the states after the ${plans.map((p) => `${p.count} ${which(p)} of ${p.directory.path}`).join(', ')}`;
  const notSaved = (plans: readonly BaseStatePlan[], why: string) =>
    progress(`Did not save ${what(plans)} (base-cache): ${why}.`);
  /** Builds and seals the states of `plans`, the clean ones of `planned`. */
  const save = async (major: number, plans: readonly BaseStatePlan[], planned: number): Promise<void> => {
    const started = performance.now();
    try {
      // The states of a run without a base are those of every check of this commit: built once.
      const heads = plans.every((plan) => plan.head);
      if (heads && plans.length === planned && (await held(major, plans))) {
        progress(`${capital(what(plans))} ${plans.length > 1 ? 'are' : 'is'} saved already (base-cache).`);
        return;
      }
      const forWhom = heads ? 'the checks of branches made on this commit' : 'the next runs';
      progress(`Saving ${what(plans)} for ${forWhom} (base-cache) …`);
      await using builder =
        config.database === 'container'
          ? await startContainer({ image: imageFor({ ...config, postgresVersion: major }) })
          : await startEmbedded({ major, ...(config.postgresBin ? { binDir: config.postgresBin } : {}) });
      const outcome = await saveBaseStates(builder.builder, plans, config);
      for (const [plan, why] of outcome.skipped) notSaved([plan], why);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const saved = plans.filter((plan) => !outcome.skipped.has(plan));
      if (!('saved' in outcome)) return;
      progress(`Saved ${what(saved)} (${seconds} s): ${outcome.saved}`);
      // A container's entry is named by its image and keys, which the runner's cache keeps it by;
      // the next job asks for every planned state, so an entry that holds fewer is not kept there.
      if (config.database !== 'container' || !stateCache) return;
      if (saved.length === planned) await stateCache.save(outcome.saved, basename(outcome.saved));
      else progress(`Not kept in the runner's cache (base-cache): not every planned state could be saved.`);
    } catch (error) {
      notSaved(plans, errorMessage(error));
    }
  };
  /** Whether the states of `plans` are saved already, as one entry, where the next run looks. */
  const held = (major: number, plans: readonly BaseStatePlan[]) => {
    const keys = plans.map((plan) => plan.key);
    return config.database === 'container'
      ? containerStatesHeld(
          { image: imageFor({ ...config, postgresVersion: major }), ...(stateCache ? { stateCache } : {}) },
          keys,
        )
      : embeddedStatesHeld({ major, ...(config.postgresBin ? { binDir: config.postgresBin } : {}) }, keys);
  };
  return {
    ...(headStates ? { headStates } : {}),
    directory: fsDirectory,
    commit: async () => commit ?? (await headCommit(cwd)),
    openBase: (ref) => openBase(cwd, ref),
    async startServer(major, baseStates) {
      if (lendable) {
        const lent = lendable;
        lendable = undefined;
        // A run disposes its server when it ends: the shared one keeps running.
        return { ...lent, [Symbol.asyncDispose]: async () => {} };
      }
      return startServer({
        database: config.database,
        databaseUrl: config.databaseUrl,
        postgresVersion: major,
        postgresBin: config.postgresBin,
        postgresImage: config.postgresImage,
        progress,
        ...(baseStates?.length ? { baseStates } : {}),
        ...(stateCache ? { stateCache } : {}),
      });
    },
    // A lent server never holds a cached base state, so none is saved for it.
    ...((config.database === 'embedded' && !shared) || config.database === 'container'
      ? {
          saveBaseStates: (major: number, plans: readonly { plan: BaseStatePlan; unclean: string | null }[]) => {
            for (const { plan, unclean } of plans) if (unclean) notSaved([plan], unclean);
            const clean = plans.filter((p) => !p.unclean).map((p) => p.plan);
            if (clean.length) saving.push(save(major, clean, plans.length));
          },
        }
      : {}),
    settled: async () => {
      await Promise.all(saving);
    },
  };
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Reads reports for `migrate-check merge` and the Action's comment mode: each path a JSON report,
 * or a folder whose `*.json` files (at any depth, as `actions/download-artifact` lays them out)
 * are reports.
 */
export async function readReports(paths: readonly string[], cwd: string): Promise<NamedReport[]> {
  const out: NamedReport[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    const info = await stat(path).catch(() => null);
    if (!info) throw new ToolError(`${given}: no such report file or folder.`);
    const files = info.isDirectory()
      ? (await readdir(path, { recursive: true }))
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(given, f))
      : [given];
    if (info.isDirectory() && !files.length) throw new ToolError(`${given} holds no JSON report (*.json).`);
    for (const name of files) {
      const file = resolve(cwd, name);
      let value: unknown;
      try {
        value = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new ToolError(`${name} is not JSON (${(error as Error).message}): give the files of --output json.`);
      }
      out.push({ name, report: asReport(value, name) });
    }
  }
  return out;
}
