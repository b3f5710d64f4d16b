import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULTS, type Config } from './config.ts';
import type { Server } from './database/database.ts';
import { startServer } from './database/index.ts';
import { startEmbedded } from './database/embedded.ts';
import { saveBaseState, type BaseStatePlan } from './pipeline/base-state.ts';
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
  /** The commit checked, when the caller knows it (the pull request's head in the Action); else `HEAD`. */
  commit?: string,
  /**
   * A running default embedded server, for tests that run the CLI or the Action many times in one
   * process: the run's first server whenever the config asks for the default one (a server for
   * directories side by side is started as usual).
   */
  shared?: Server,
): Omit<RunIO, 'onStep'> & { settled(): Promise<void> } {
  // Lent once: the run's first server; a server for directories side by side is started as usual.
  let lendable =
    config.database === 'embedded' &&
    !config.postgresBin &&
    config.postgresVersion.join() === DEFAULTS.postgresVersion.join()
      ? shared
      : undefined;
  /** Base states being saved (they never reject). */
  const saving: Promise<void>[] = [];
  const what = (plan: BaseStatePlan) => `the state after the ${plan.count} merged migrations of ${plan.directory.path}`;
  const notSaved = (plan: BaseStatePlan, why: string) => progress(`Did not save ${what(plan)} (base-cache): ${why}.`);
  const save = async (major: number, plan: BaseStatePlan): Promise<void> => {
    progress(`Saving ${what(plan)} for the next runs (base-cache) …`);
    const started = performance.now();
    try {
      await using builder = await startEmbedded({
        major,
        ...(config.postgresBin ? { binDir: config.postgresBin } : {}),
      });
      const outcome = await saveBaseState(builder, plan, config);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if ('saved' in outcome) progress(`Saved ${what(plan)} (${seconds} s): ${outcome.saved}`);
      else notSaved(plan, outcome.skipped);
    } catch (error) {
      notSaved(plan, errorMessage(error));
    }
  };
  return {
    directory: fsDirectory,
    commit: async () => commit ?? (await headCommit(cwd)),
    openBase: (ref) => openBase(cwd, ref),
    async startServer(major, baseState) {
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
        ...(baseState ? { baseState } : {}),
      });
    },
    // A lent server never holds a cached base state, so none is saved for it.
    ...(config.database === 'embedded' && !shared
      ? {
          saveBaseState: (major: number, plan: BaseStatePlan, unclean: string | null) => {
            if (unclean) notSaved(plan, unclean);
            else saving.push(save(major, plan));
          },
        }
      : {}),
    settled: async () => {
      await Promise.all(saving);
    },
  };
}

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
