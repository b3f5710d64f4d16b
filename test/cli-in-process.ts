// The CLI run inside the test process: main() with one embedded server per test file, for the many
// runs whose subject is a verdict or a message, not the process around them (see `cli` for that).
import pg from 'pg';
import { main } from '../src/cli.ts';
import type { EmbeddedServer } from '../src/database/embedded.ts';
import { ROOT, type CliResult } from './helpers.ts';

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

const pools = new Map<string, pg.Pool>();
/**
 * One connection per server for the runs' bookkeeping (a connection costs the server ~4 ms of CPU
 * to start): idle, it lets the process exit, and it goes quietly when the server stops.
 */
function adminPool(url: string): pg.Pool {
  let pool = pools.get(url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 1, allowExitOnIdle: true });
    pool.on('error', () => {});
    pools.set(url, pool);
  }
  return pool;
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
  const admin = adminPool(server.url);
  const roles = async () =>
    (await admin.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).rows.map((r) => r.rolname);
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
      await admin.query(`DROP ROLE ${pg.escapeIdentifier(role)}`);
  }
}
