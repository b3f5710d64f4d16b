import { spawn, type ChildProcess } from 'node:child_process';
import { access, readFile, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { DatabaseError, errorMessage } from '../errors.ts';
import type { Provider, Server, StateBuilder } from './database.ts';
import { cacheRoot, locateBinaries, BUNDLED_MAJOR, type Binaries } from './embedded-binaries.ts';
import {
  adoptBaseState,
  baseStateDatabase,
  baseStatesFolder,
  copyBaseState,
  findBaseState,
  sealBaseState,
} from './base-states.ts';
import { MACHINE_REACH } from '../outside/statements.ts';
import { clustersFolder, copyTemplate } from './embedded-cluster.ts';
import { instancePath, ownFolder, sweepStale, sweepStaging, tempRoot } from './embedded-folders.ts';
import { runUser, serverEnvironment, type RunUser } from './embedded-process.ts';
import { onInterrupt } from './lifetime.ts';
import { ScratchPool } from './scratch.ts';

export interface EmbeddedOptions {
  /** Postgres major version (14–18). Default 17, which installs with migrate-check. */
  major?: number;
  /** Use these binaries instead of the npm packages. */
  binDir?: string;
  progress?: (line: string) => void;
  /**
   * The cached base states wanted (base-states.ts): the server starts from the sealed entry holding
   * the most of these keys, when there is one, instead of the empty template cluster.
   */
  baseStates?: readonly string[];
}

/**
 * Shell: the shared memory of a killed server in "$dir" ("$1": its postgres binary), released by
 * a stand-alone start on its data directory (see WATCHDOG). A postmaster killed with its parent
 * may stay a zombie a while (or for good, under an init that does not reap): its lock file would
 * stop the start, so it goes; the start finds the old segment by the data folder's inode anyway.
 * The start recovers the killed server's WAL with durability off, as the server ran (a recovery
 * that syncs every file takes seconds on a busy disk). A SIGTERM to the shell stops the start and
 * waits for it: the shell never ends before the stand-alone postgres has.
 */
const RELEASE_SHARED_MEMORY = `_single=
trap '[ -n "$_single" ] && { kill -TERM $_single 2>/dev/null; wait $_single; }; exit 1' TERM
for _try in 1 2 3; do
  [ -f "$dir/data/postmaster.pid" ] || break
  _pid=$(head -n 1 "$dir/data/postmaster.pid")
  case $(cat "/proc/$_pid/stat" 2>/dev/null) in *") Z "*) rm -f "$dir/data/postmaster.pid" ;; esac
  "$1" --single -D "$dir/data" -c fsync=off -c full_page_writes=off postgres </dev/null >>"$dir/server.log" 2>&1 &
  _single=$!
  wait $_single && break
  _single=
  sleep 1
done
trap - TERM`;

// The watchdog: postgres runs as a child of this shell, which waits on a pipe from node.
// When node exits, however it exits (SIGKILL included), the pipe closes, `read` returns, and
// the shell stops postgres (fast shutdown) and removes the instance folder.
// NOTE: a background job of a non-interactive shell starts with SIGINT ignored, and postgres
// sets its own handler only some milliseconds after the exec: a SIGINT sent in between (an
// interrupt just after the start) is lost, and postgres would run on. It is repeated every
// second until postgres is gone.
// A server that was killed (SIGKILL, the OOM killer) leaves its postmaster.pid and its shared
// memory (/dev/shm/PostgreSQL.*, a System V segment), which outlive the folder: a stand-alone
// start on the data directory removes them, as a restart of the server would (~0.2 s). Backends
// of a killed server take a moment to go, and hold the memory until then: it is tried 3 times.
const WATCHDOG = `dir=$1; shift
"$@" </dev/null >>"$dir/server.log" 2>&1 &
pid=$!
read _ignored
while :; do kill -INT $pid 2>/dev/null || exit; sleep 1; done &
again=$!
wait $pid
kill $again 2>/dev/null
${RELEASE_SHARED_MEMORY}
rm -rf "$dir"`;

/** The server of the instance folder `dir`: its data in `dir/data`, its socket in `dir` (no TCP), durability off. */
export function serverCommand(binDir: string, dir: string): string[] {
  const settings = {
    listen_addresses: '',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '40',
    max_locks_per_transaction: '256',
  };
  const flags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return [join(binDir, 'postgres'), '-D', join(dir, 'data'), '-k', dir, ...flags];
}

/**
 * Starts `command` (postgres and its arguments) under the watchdog, for the instance folder `dir`:
 * closing the child's stdin (node exiting, however it exits) stops the server and removes `dir`.
 */
export function watched(dir: string, command: readonly string[], user: RunUser | null): ChildProcess {
  const child = spawn('sh', ['-c', WATCHDOG, 'watchdog', dir, ...command], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Its own process group: a terminal's Ctrl-C reaches node, which cleans up in order.
    detached: true,
    uid: user?.uid,
    gid: user?.gid,
    env: serverEnvironment(dir),
  });
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  child.on('error', () => {});
  return child;
}

/**
 * Releases the shared memory a killed server in `dir` left (RELEASE_SHARED_MEMORY). After `ms` the
 * release is stopped (SIGTERM: the stand-alone start ends cleanly, freeing what it made), and
 * 1 s later killed outright with its process group, so it never runs on in a removed folder.
 */
function releaseSharedMemory(binDir: string, dir: string, user: RunUser | null, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', `dir=$0; ${RELEASE_SHARED_MEMORY}`, dir, join(binDir, 'postgres')], {
      stdio: 'ignore',
      detached: true,
      uid: user?.uid,
      gid: user?.gid,
      env: serverEnvironment(dir),
    });
    const stop = setTimeout(() => child.kill('SIGTERM'), ms);
    const kill = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, ms + 1_000);
    const done = () => {
      clearTimeout(stop);
      clearTimeout(kill);
      resolve();
    };
    child.on('error', done);
    child.on('exit', done);
  });
}

/** How long the next start gives each dead run's release: a busy runner's recovery can take seconds. */
const SWEEP_RELEASE_MS = 10_000;

/**
 * Removes the instance folders in `temp` of runs that died (sweepStale). A server killed together
 * with its watchdog and its run left its shared memory, with nothing to release it: released here
 * with this run's binaries when they are of the data folder's major (a stand-alone start refuses
 * another major's data). A new server does it too, but only when its data folder happens to get
 * the killed one's inode number (its System V key).
 */
export function sweepInstances(temp: string, binaries: Binaries, user: RunUser | null): Promise<number> {
  return sweepStale(temp, async (dir) => {
    const major = (await readFile(join(dir, 'data', 'PG_VERSION'), 'utf8').catch(() => '')).trim();
    if (major && major === binaries.version.split('.')[0])
      await releaseSharedMemory(binaries.binDir, dir, user, SWEEP_RELEASE_MS);
  });
}

export interface EmbeddedServer extends Server {
  /** How long the start took, in ms. */
  readonly startMs: number;
  /** A URL for the server's own `postgres` database (unix socket). */
  readonly url: string;
  /** The binaries it runs, and the user it runs as (null: this process's own). */
  readonly binaries: Binaries;
  readonly user: RunUser | null;
  /**
   * Builds base states: sealing them stops the server cleanly and seals its data folder (a
   * stopped cluster) as an entry of the cache (base-states.ts).
   */
  readonly builder: StateBuilder;
}

/**
 * Whether the cache folder holds one entry with every state of `keys` for the binaries of
 * `major` (or `binDir`): such states need not be built again.
 */
export async function embeddedStatesHeld(options: EmbeddedOptions, keys: readonly string[]): Promise<boolean> {
  const user = await runUser();
  const binaries = await locateBinaries({
    major: options.major ?? BUNDLED_MAJOR,
    binDir: options.binDir,
    mustBeTraversable: user !== null,
  });
  const entry = await findBaseState(binaries, user, keys);
  return Boolean(entry && keys.every((key) => entry.keys.has(key)));
}

/**
 * Starts a private Postgres for this run: in a 0700 instance folder in TMPDIR (owned by
 * `nobody`, who runs the server, when migrate-check runs as root), on a unix socket only,
 * with a minimal environment (see `serverEnvironment`), from a copy of the sealed template
 * cluster. Everything it creates is removed on dispose, on Ctrl-C/SIGTERM (`cleanupAll`), and
 * after a SIGKILL by the watchdog or, failing that, by the next start's sweep.
 */
export async function startEmbedded(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const started = performance.now();
  const user = await runUser();
  const temp = await tempRoot(user);
  const binaries = await locateBinaries({
    major: options.major ?? BUNDLED_MAJOR,
    binDir: options.binDir,
    progress: options.progress,
    mustBeTraversable: user !== null,
  });
  await sweepInstances(temp, binaries, user);
  await sweepStaging([temp, clustersFolder(), baseStatesFolder(), join(cacheRoot(), 'postgres')]);

  const folder = await ownFolder(instancePath(temp, 'run'), { owner: true });
  const dir = folder.path;
  let child: ChildProcess | undefined;
  let pool: ScratchPool | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopNow());
  const stopNow = async () => {
    unregister();
    await pool?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      // Held while it stops: an unreferenced child's exit does not keep the process alive, and a
      // run left waiting on nothing but it would end there, silently, with exit code 0.
      child.ref();
      child.stdin?.end();
      // A watchdog that has not stopped its server by then is killed with it (its process group:
      // SIGKILL to the shell alone would leave postgres running), within the 10 s cleanupAll
      // gives each cleanup, so that the folder is never removed under a running server.
      let killed = false;
      const timer = setTimeout(() => {
        try {
          process.kill(-child!.pid!, 'SIGKILL');
          killed = true;
        } catch {}
      }, 8_000);
      await exited;
      clearTimeout(timer);
      // Within the 10 s: stopped at 0.8 s, killed at 1.8 s.
      if (killed) await releaseSharedMemory(binaries.binDir, dir, user, 800);
    }
    await folder.remove();
  };
  const unregister = onInterrupt(stop);

  try {
    // A cached base state when one holds the key and its copy matches its manifest, else the template.
    const entry = options.baseStates?.length ? await findBaseState(binaries, user, options.baseStates) : null;
    const copy = entry ? await copyBaseState(entry, folder, join(dir, 'data')) : null;
    const fromEntry = copy === 'copied';
    if (copy === 'changed')
      options.progress?.(`The cached base state ${entry!.path} had been changed since it was made: removed it.`);
    if (!fromEntry) await copyTemplate(binaries, user, folder, temp, options.progress);
    if (user) await folder.run('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
    if (folder.gone) throw new DatabaseError('The embedded Postgres start was interrupted.');
    child = watched(dir, serverCommand(binaries.binDir, dir), user);

    const clientConfig = (database: string): pg.ClientConfig => ({ host: dir, port: 5432, user: 'postgres', database });
    const admin = await connectWhenReady(clientConfig('postgres'), child, dir);
    pool = new ScratchPool(admin, clientConfig);
    const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const startMs = performance.now() - started;
    const baseStates = new Map(fromEntry ? [...entry!.keys].map((key) => [key, baseStateDatabase(key)]) : []);
    const server: EmbeddedServer = {
      provider: 'embedded',
      version,
      refuses: embeddedProvider.refuses,
      migrationsRole: null,
      superuserAdmin: true,
      startMs,
      url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`,
      binaries,
      user,
      ...(baseStates.size ? { baseStates } : {}),
      // The cluster is this run's own copy: the database holding a base state becomes the scratch
      // database itself (renamed, once), which spares copying it.
      createDatabase: (purpose, template, options) => {
        const adopt = adoptBaseState(baseStates, template, options);
        return pool!.create(purpose, template === undefined ? undefined : { template, adopt });
      },
      builder: {
        clientConfig,
        async seal(keys) {
          const retired = await retire();
          try {
            return await sealBaseState(binaries, user, retired.data, keys);
          } finally {
            await retired.remove();
          }
        },
      },
      [Symbol.asyncDispose]: stop,
    };
    /** Stops the server cleanly and hands over its data folder instead of removing it. */
    async function retire(): Promise<{ data: string; remove(): Promise<void> }> {
      await pool!.close();
      // The data folder moves out of the instance folder the watchdog removes, and a link takes
      // its place for the paths the server opens by name (global/pg_control); the server stops
      // cleanly (a shutdown checkpoint, then postmaster.pid goes), and the watchdog removes the link.
      const keep = await ownFolder(instancePath(temp, 'seal'), { owner: true });
      const data = join(keep.path, 'data');
      try {
        if (user) await keep.run('chown', [`${user.uid}:${user.gid}`, keep.path]);
        await rename(join(dir, 'data'), data);
        await symlink(data, join(dir, 'data'));
        const pid = Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]);
        process.kill(pid, 'SIGINT');
        const deadline = Date.now() + 30_000;
        while (
          await access(join(data, 'postmaster.pid')).then(
            () => true,
            () => false,
          )
        ) {
          if (Date.now() > deadline) throw new DatabaseError('The embedded Postgres did not stop within 30 s.');
          await new Promise((r) => setTimeout(r, 10));
        }
      } catch (error) {
        await keep.remove();
        throw error;
      } finally {
        await stop();
      }
      return { data, remove: () => keep.remove() };
    }
    return server;
  } catch (error) {
    await stop();
    throw error;
  }
}

async function connectWhenReady(config: pg.ClientConfig, child: ChildProcess, dir: string): Promise<pg.Client> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client(config);
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      const code = (error as NodeJS.ErrnoException).code;
      const starting = code === 'ENOENT' || code === 'ECONNREFUSED' || code === '57P03';
      if (!starting || child.exitCode !== null || Date.now() > deadline) {
        const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '');
        throw new DatabaseError(
          `The embedded Postgres did not ` +
            `start: ${log.trim().split('\n').slice(-5).join(' | ') || errorMessage(error)}. ` +
            'Use --database-url to run against a server of your own.',
        );
      }
      await new Promise((r) => setTimeout(r, 15));
    }
  }
}

/** A private Postgres on this machine, from npm: the default, and where no other fits. */
export const embeddedProvider: Provider<'embedded'> = {
  kind: 'embedded',
  summary: 'a private Postgres started on this machine from npm packages (no Docker)',
  // The server runs on this machine, as this user (or nobody): nothing may run programs or
  // read files there, which a migration as superuser could otherwise do.
  refuses: MACHINE_REACH,
  chosen: () => true,
  start: (options) =>
    startEmbedded({
      major: options.postgresVersion,
      binDir: options.postgresBin,
      progress: options.progress,
      ...(options.baseStates ? { baseStates: options.baseStates } : {}),
    }),
};
