import type { Config } from './config.ts';
import { startServer } from './database/index.ts';
import { fsDirectory } from './files/directory.ts';
import { headCommit, openBase } from './history/git.ts';
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
): Omit<RunIO, 'onStep'> {
  return {
    directory: fsDirectory,
    commit: async () => commit ?? (await headCommit(cwd)),
    openBase: (ref) => openBase(cwd, ref),
    startServer: (major = config.postgresVersion[0]) =>
      startServer({
        database: config.database,
        databaseUrl: config.databaseUrl,
        postgresVersion: major,
        postgresBin: config.postgresBin,
        postgresImage: config.postgresImage,
        progress,
      }),
  };
}
