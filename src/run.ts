import { settingsFor, type Config } from './config.ts';
import type { Server } from './database/database.ts';
import type { DirectoryReader } from './files/directory.ts';
import type { BaseCommit } from './history/git.ts';
import { assembleReport, type DirectoryOutcome } from './pipeline/assemble.ts';
import { judge } from './pipeline/judge.ts';
import { loadDirectory, type LoadedDirectory } from './pipeline/load.ts';
import { replayDirectories } from './pipeline/replay-directories.ts';
import { withSources } from './pipeline/sources.ts';
import type { Step } from './replay.ts';
import type { Report } from './report/report.ts';

export { formatFor } from './pipeline/load.ts';

/** What the pipeline needs from the outside world, injected by the shells (and tests). */
export interface RunIO {
  directory(path: string): DirectoryReader;
  /** The base branch's commit for `--base` (git), or why it cannot be read. */
  openBase?(ref: string): Promise<BaseCommit | { unavailable: string }>;
  startServer(): Promise<Server>;
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

  await using server = await io.startServer();
  const replays = await replayDirectories(server, loaded, config, (path, step, done, total) =>
    io.onStep?.(path, step, done, total),
  );
  const outcomes: DirectoryOutcome[] = loaded.map((directory, i) => {
    const replayed = replays[i]!;
    const { kept, suppressed } = judge(directory, replayed, server.provider);
    return { loaded: directory, replayed, findings: kept, suppressed };
  });
  const report = assembleReport(outcomes, server, config.failOn, performance.now() - started);
  return withSources(report, (p) => io.directory(p));
}
