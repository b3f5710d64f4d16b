import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * How the embedded server and its tools (initdb, cp, chown) are started: as whom, with which
 * environment, and tied to this process's life so that none of them outlives it.
 */

export interface RunUser {
  uid: number;
  gid: number;
}

/** Postgres refuses to run as root: use `nobody`, which exists on every Unix. Null: run as ourselves. */
export async function runUser(): Promise<RunUser | null> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const line = passwd.split('\n').find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return { uid: Number(uid ?? 65534), gid: Number(gid ?? 65534) };
}

/**
 * The whole environment initdb and the server get. Migrations run shell commands as the
 * server (`COPY … TO PROGRAM`), so nothing of the tool's own environment (GITHUB_TOKEN, cloud
 * keys, DATABASE_URL) may reach it: only what Postgres needs to find its tools and pick a
 * locale and time zone. The bundled binaries find their libraries by RUNPATH; a user's own
 * build may need LD_LIBRARY_PATH, so it is passed when set.
 */
export function serverEnvironment(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH || '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C',
    LC_ALL: 'C',
    HOME: home,
  };
  for (const name of ['TZ', 'LD_LIBRARY_PATH']) if (process.env[name]) env[name] = process.env[name];
  return env;
}

// The tether: the command runs as a child of this shell, and a reader waits on a pipe from
// node. When node closes the pipe (on purpose, or because it died, SIGKILL included) the
// command is killed at once; when the command ends first, the shell exits with its status.
// NOTE: background jobs of a non-interactive shell get /dev/null as stdin, hence fd 3.
const TETHER = `exec 3<&0 </dev/null
"$@" 3<&- &
child=$!
{ read _ignored <&3; kill -KILL $child 2>/dev/null; } &
reader=$!
exec 3<&-
wait $child
code=$?
kill $reader 2>/dev/null
exit $code`;

export interface ToolOptions {
  user?: RunUser | null;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface Tethered {
  /** Resolves with stdout when the command exits 0; rejects with its stderr otherwise. */
  readonly done: Promise<string>;
  /** Kills the command and waits until it is gone. */
  stop(): Promise<void>;
}

/** Runs `command` so that it dies with this process; see TETHER. */
export function runTethered(command: string, args: string[], options: ToolOptions = {}): Tethered {
  const child = spawn('sh', ['-c', TETHER, 'tether', command, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C reaches node, which stops this in order.
    detached: true,
    uid: options.user?.uid,
    gid: options.user?.gid,
    env: options.env ?? process.env,
  });
  child.stdin.on('error', () => {});
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      stderr ||= error.message;
      resolve(-1);
    });
    child.on('close', resolve);
  });
  const timer = options.timeoutMs ? setTimeout(() => child.stdin.end(), options.timeoutMs) : undefined;
  const done = closed.then((code) => {
    clearTimeout(timer);
    if (code === 0) return stdout;
    throw new Error(stderr.trim() || `${command} exited with status ${code}`);
  });
  done.catch(() => {});
  return {
    done,
    async stop() {
      child.stdin.end();
      await closed;
    },
  };
}
