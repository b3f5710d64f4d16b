// The CLI run inside the test process: main() with one embedded server per test file, for the many
// runs whose subject is a verdict or a message, not the process around them (see `cli` for that).
import pg from 'pg';
import { main } from '../src/cli.ts';
import type { EmbeddedServer } from '../src/database/embedded.ts';
import { query, ROOT, type CliResult } from './helpers.ts';

// Read from the process itself, not from main()'s `env`: a run that sets them must be a real process.
const PROCESS_ONLY = ['TMPDIR', 'HOME', 'XDG_CACHE_HOME', 'MIGRATE_CHECK_CACHE'];
let turn: Promise<unknown> = Promise.resolve();

/**
 * Runs `work` when the runs before it in this process have ended: a run in process takes the
 * process's working directory (and, for the Action, its environment and stdout) while it lasts.
 */
export function inTurn<T>(work: () => Promise<T>): Promise<T> {
  const result = turn.then(work);
  turn = result.catch(() => {});
  return result;
}

/**
 * The CLI's main() in this process, as `cli` runs it in a child: the same arguments, working
 * directory and environment, stdout and stderr collected, on the shared server for every run that
 * would start the default embedded one. Runs take turns (the working directory is the process's),
 * and roles a run leaves in the cluster are dropped after it, as if its server had gone away.
 */
export function cliInProcess(
  args: string[],
  options: { server: EmbeddedServer; cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  const set = PROCESS_ONLY.filter((name) => options.env?.[name] !== undefined);
  if (set.length) throw new Error(`cliInProcess cannot set ${set.join(', ')}: the process reads them; use cli()`);
  return inTurn(() => mainOnce(args, options));
}

async function mainOnce(
  args: string[],
  options: { server: EmbeddedServer; cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  const { server } = options;
  const cwd = options.cwd ?? ROOT;
  let stdout = '';
  let stderr = '';
  const streams = {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
  };
  const roles = async () =>
    (await query<{ rolname: string }>(server.url, 'SELECT rolname FROM pg_roles')).map((r) => r.rolname);
  const rolesBefore = new Set(await roles());
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const env = { ...process.env, NO_COLOR: '1', DATABASE_URL: '', ...options.env };
    // A run disposes its server when it ends: here that must leave the shared one running.
    const code = await main(args, env, streams, cwd, { ...server, [Symbol.asyncDispose]: async () => {} });
    return { code, stdout, stderr };
  } finally {
    process.chdir(previous);
    for (const role of (await roles()).filter((r) => !rolesBefore.has(r)))
      await query(server.url, `DROP ROLE ${pg.escapeIdentifier(role)}`);
  }
}
