import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { DatabaseError, errorMessage } from '../errors.ts';
import type { Server } from './database.ts';
import { cacheRoot, locateBinaries, BUNDLED_MAJOR, type Binaries } from './embedded-binaries.ts';
import { onInterrupt } from './lifetime.ts';
import { ScratchPool } from './scratch.ts';

const run = promisify(execFile);
const PREFIX = 'migrate-check-';
const INSTANCE = /^migrate-check-(run|init)-[A-Za-z0-9]{6}$/;

export interface EmbeddedOptions {
  /** Postgres major version (14–18). Default 17, which installs with migrate-check. */
  major?: number;
  /** Use these binaries instead of the npm packages. */
  binDir?: string;
  progress?: (line: string) => void;
}

interface RunUser {
  uid: number;
  gid: number;
}

/** Postgres refuses to run as root: use `nobody`, which exists on every Unix. */
async function runUser(): Promise<RunUser | null> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const line = passwd.split('\n').find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  return { uid: Number(uid ?? 65534), gid: Number(gid ?? 65534) };
}

async function chownTree(path: string, user: RunUser | null): Promise<void> {
  if (user) await run('chown', ['-R', `${user.uid}:${user.gid}`, path]);
}

/** Copies a cluster keeping modes (and, as root, owners). */
async function copyCluster(from: string, to: string): Promise<void> {
  await run('cp', ['-a', from, to]);
}

/** Whether a process exists (EPERM: it does, owned by another user such as `nobody`). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes instance folders left by runs that died (SIGKILL, OOM, a cancelled job): their
 * owner process is gone. The watchdog normally stops their server; stop it if it did not.
 */
export async function sweepStale(root = tmpdir()): Promise<number> {
  let swept = 0;
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!INSTANCE.test(name)) continue;
    const dir = join(root, name);
    const owner = Number(await readFile(join(dir, 'owner.pid'), 'utf8').catch(() => 'NaN'));
    if (Number.isNaN(owner)) {
      // No owner file yet: either being created right now or unusable; only old ones go.
      const age = Date.now() - (await stat(dir).then((s) => s.mtimeMs, () => Date.now()));
      if (age < 60_000) continue;
    } else if (alive(owner)) {
      continue;
    }
    const postmaster = Number((await readFile(join(dir, 'data', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
    if (postmaster && alive(postmaster)) {
      try {
        process.kill(postmaster, 'SIGQUIT');
      } catch {}
    }
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    swept++;
  }
  return swept;
}

/** An initdb'd empty cluster per version, made once and copied for every start. */
async function templateCluster(binaries: Binaries, user: RunUser | null): Promise<string> {
  const cached = join(cacheRoot(), 'clusters', `${binaries.version}${user ? '-nobody' : ''}`);
  if (await stat(join(cached, 'PG_VERSION')).then(() => true, () => false)) return cached;
  const work = await mkdtemp(join(tmpdir(), `${PREFIX}init-`));
  try {
    await writeFile(join(work, 'owner.pid'), String(process.pid));
    await chownTree(work, user);
    try {
      await run(
        join(binaries.binDir, 'initdb'),
        ['-D', join(work, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
        { uid: user?.uid, gid: user?.gid, timeout: 120_000 },
      );
    } catch (error) {
      const e = error as { stderr?: string };
      throw new DatabaseError(`initdb failed for the embedded Postgres ${binaries.version}: ${(e.stderr || errorMessage(error)).trim()}`);
    }
    await mkdir(join(cacheRoot(), 'clusters'), { recursive: true });
    const staging = `${cached}.partial-${process.pid}`;
    await copyCluster(join(work, 'data'), staging);
    await rename(staging, cached).catch(async () => rm(staging, { recursive: true, force: true }));
    return cached;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// The watchdog: postgres runs as a child of this shell, which waits on a pipe from node.
// When node exits, however it exits (SIGKILL included), the pipe closes, `read` returns, and
// the shell stops postgres (fast shutdown) and removes the instance folder.
const WATCHDOG = `dir=$1; shift
"$@" </dev/null >>"$dir/server.log" 2>&1 &
pid=$!
read _ignored
kill -INT $pid 2>/dev/null
wait $pid
rm -rf "$dir"`;

export interface EmbeddedServer extends Server {
  /** How long the start took, in ms. */
  readonly startMs: number;
  /** A URL for the server's own `postgres` database (unix socket). */
  readonly url: string;
}

export async function startEmbedded(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const started = performance.now();
  const user = await runUser();
  await sweepStale();
  const binaries = await locateBinaries({ major: options.major ?? BUNDLED_MAJOR, binDir: options.binDir, progress: options.progress, mustBeTraversable: user !== null });
  const template = await templateCluster(binaries, user);

  const dir = await mkdtemp(join(tmpdir(), `${PREFIX}run-`));
  let child: ChildProcess | undefined;
  let pool: ScratchPool | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopNow());
  const stopNow = async () => {
    unregister();
    await pool?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.stdin?.end();
      const timer = setTimeout(() => child!.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  };
  const unregister = onInterrupt(stop);

  try {
    await writeFile(join(dir, 'owner.pid'), String(process.pid));
    await copyCluster(template, join(dir, 'data'));
    await chownTree(dir, user);
    const args = [
      dir,
      join(binaries.binDir, 'postgres'),
      '-D', join(dir, 'data'),
      '-k', dir,
      '-c', 'listen_addresses=',
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', 'max_connections=40',
      '-c', 'max_locks_per_transaction=256',
    ];
    child = spawn('sh', ['-c', WATCHDOG, 'watchdog', ...args], {
      stdio: ['pipe', 'ignore', 'ignore'],
      // Its own process group: a terminal's Ctrl-C reaches node, which cleans up in order.
      detached: true,
      uid: user?.uid,
      gid: user?.gid,
    });
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    child.on('error', () => {});

    const clientConfig = (database: string): pg.ClientConfig => ({ host: dir, port: 5432, user: 'postgres', database });
    const admin = await connectWhenReady(clientConfig('postgres'), child, dir);
    pool = new ScratchPool(admin, clientConfig);
    const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const startMs = performance.now() - started;
    const server: EmbeddedServer = {
      provider: 'embedded',
      version,
      refusesOutside: false,
      migrationsRole: null,
      startMs,
      url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(dir)}`,
      createDatabase: (purpose) => pool!.create(purpose),
      [Symbol.asyncDispose]: stop,
    };
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
          `The embedded Postgres did not start: ${log.trim().split('\n').slice(-5).join(' | ') || errorMessage(error)}. ` +
            'Use --database-url to run against a server of your own.',
        );
      }
      await new Promise((r) => setTimeout(r, 15));
    }
  }
}
