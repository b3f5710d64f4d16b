import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { DatabaseError, errorMessage } from '../errors.ts';
import { runTethered, type RunUser, type ToolOptions, type Tethered } from './embedded-process.ts';
import { alive, onInterrupt } from './lifetime.ts';

/**
 * The folders the embedded provider creates (an instance folder per run in TMPDIR, staging
 * folders in the cache) and how they are removed: by their owner on success, failure and
 * Ctrl-C, and by the next start when their owner died (SIGKILL, OOM, a cancelled job).
 *
 * Every such folder names its owner: `migrate-check-run-<pid>-<random>` in TMPDIR (plus an
 * `owner.pid` file holding `<host>:<pid>`), `<name>.partial-<pid>` / `<name>.stale-<pid>` in
 * the cache. A folder whose owner is gone is swept, whatever moment its owner died at.
 */

const execFileAsync = promisify(execFile);
export const OWNER_FILE = 'owner.pid';
// Older runs named folders `migrate-check-run-XXXXXX` (no pid): their owner file says who owns them.
const INSTANCE = /^migrate-check-(?:run|init|seal)-(?:(\d+)-)?[A-Za-z0-9]{6}$/;
const STAGING = /\.(?:partial|stale)-(\d+)$/;
const UNOWNED_GRACE_MS = 60_000;

/** Whether every directory from `/` down to `path` lets other users through (o+x). */
export async function traversableByOthers(path: string): Promise<boolean> {
  for (let p = path; ; p = dirname(p)) {
    const s = await stat(p);
    if (!(s.mode & 0o001)) return false;
    if (dirname(p) === p) return true;
  }
}

/**
 * `mkdir -p`, one level at a time.
 * NOTE: Node's `mkdir(…, { recursive: true })` never settles under /proc (e.g. XDG_CACHE_HOME=/proc).
 */
export async function makeFolders(path: string): Promise<void> {
  const missing: string[] = [];
  for (
    let p = path;
    !(await stat(p).then(
      () => true,
      () => false,
    ));
    p = dirname(p)
  ) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing) {
    await mkdir(p).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

/** Makes a folder of the cache, or says which one cannot be written and what to set. */
export async function writableCache(folder: string): Promise<void> {
  try {
    await makeFolders(folder);
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new DatabaseError(
      `Could not write the migrate-check cache folder ${folder} ` +
        `(${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}). ` +
        'Set MIGRATE_CHECK_CACHE (or XDG_CACHE_HOME) to a folder you can write.',
    );
  }
}

/** A fresh instance folder name in `root` for this process. */
export function instancePath(root: string, kind: 'run' | 'init' | 'seal'): string {
  const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
  return join(root, `migrate-check-${kind}-${process.pid}-${suffix}`);
}

/**
 * TMPDIR, checked: it must exist and be writable, and when the server runs as `nobody` every
 * user must be able to pass through it (the instance folder and its socket live inside).
 */
export async function tempRoot(user: RunUser | null): Promise<string> {
  const root = tmpdir();
  const fix = 'Set TMPDIR to an existing folder you can write, such as /tmp.';
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory())
    throw new DatabaseError(`The temporary folder ${root} (from TMPDIR) does not exist or is not a folder. ${fix}`);
  if (
    !(await access(root, constants.W_OK | constants.X_OK).then(
      () => true,
      () => false,
    ))
  ) {
    throw new DatabaseError(`The temporary folder ${root} (from TMPDIR) is not writable. ${fix}`);
  }
  if (user && !(await traversableByOthers(root).catch(() => false))) {
    throw new DatabaseError(
      `The temporary folder ${root} (from TMPDIR) cannot be entered by other users, ` +
        `and the embedded Postgres runs as \`nobody\` when migrate-check runs as root. ` +
        'Set TMPDIR to a folder every user can pass through (chmod o+x), such as /tmp.',
    );
  }
  return root;
}

/** Removes a tree, including a sealed (read-only) one this user owns. */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    await execFileAsync('chmod', ['-R', 'u+w', path]).catch(() => {});
    await rm(path, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  }
}

export interface OwnedFolder {
  readonly path: string;
  /** Whether removal has begun: nothing more may be started in it. */
  readonly gone: boolean;
  /** Runs a tool (cp, initdb, chown) that is killed if the folder is removed meanwhile. */
  run(command: string, args: string[], options?: ToolOptions): Promise<string>;
  /** Kills its tools and removes the folder. Idempotent; also runs on Ctrl-C and SIGTERM. */
  remove(): Promise<void>;
}

/**
 * Creates `path` (mode 0700) with its removal registered *before* it exists, so that an
 * interrupt at any moment removes it. `owner`: write the owner file first thing.
 */
export async function ownFolder(path: string, options: { owner: boolean }): Promise<OwnedFolder> {
  const tools = new Set<Tethered>();
  let made = false;
  let removing: Promise<void> | undefined;
  let created: Promise<void> = Promise.resolve();
  const remove = () =>
    (removing ??= (async () => {
      unregister();
      await created.catch(() => {});
      await Promise.all([...tools].map((tool) => tool.stop()));
      if (made) await removeTree(path);
    })());
  const unregister = onInterrupt(remove);
  try {
    if (!options.owner) await removeTree(path); // a staging folder left by an earlier process with our pid
    created = mkdir(path, { mode: 0o700 }).then(() => {
      made = true;
    });
    await created;
    if (options.owner) await writeFile(join(path, OWNER_FILE), `${hostname()}:${process.pid}`);
  } catch (error) {
    await remove();
    throw new DatabaseError(
      `Could not create the folder ${path}: ${(error as Error).message}. ` +
        `Check that its parent folder exists and is writable.`,
    );
  }
  return {
    path,
    get gone() {
      return removing !== undefined;
    },
    async run(command, args, toolOptions) {
      if (removing) throw new DatabaseError(`${path} is being removed (interrupted); not starting ${command}.`);
      const tool = runTethered(command, args, toolOptions);
      tools.add(tool);
      try {
        return await tool.done;
      } finally {
        tools.delete(tool);
      }
    },
    remove,
  };
}

function parseOwner(text: string): { host?: string; pid: number } | null {
  const match = /^(?:(.*):)?(\d+)\s*$/.exec(text);
  return match ? { ...(match[1] ? { host: match[1] } : {}), pid: Number(match[2]) } : null;
}

/** Whether `pid` is a process that has exited and not been reaped yet (Linux; elsewhere: no). */
async function zombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return /\) Z /.test(stat);
}

/**
 * Removes instance folders in `root` left by runs that died: their owner process is gone.
 * The watchdog normally stops their server; stop it if it did not. Folders owned by another
 * host sharing this TMPDIR are left alone. A folder whose server was killed with its watchdog
 * (postmaster.pid left in it, its process gone or a zombie that nobody has reaped) is given to
 * `release` first, which frees the server's shared memory.
 */
export async function sweepStale(root = tmpdir(), release?: (dir: string) => Promise<void>): Promise<number> {
  let swept = 0;
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const match = INSTANCE.exec(name);
    if (!match) continue;
    const dir = join(root, name);
    const written = parseOwner(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''));
    const owner = written ?? (match[1] ? { pid: Number(match[1]) } : null);
    if (owner?.host !== undefined && owner.host !== hostname()) continue;
    if (owner) {
      if (alive(owner.pid)) continue;
    } else {
      // An old-style name and no owner file: being created right now, or unusable; only old ones go.
      const age =
        Date.now() -
        (await stat(dir).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      if (age < UNOWNED_GRACE_MS) continue;
    }
    const postmaster = Number(
      (await readFile(join(dir, 'data', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0],
    );
    if (alive(postmaster) && !(await zombie(postmaster))) {
      try {
        process.kill(postmaster, 'SIGQUIT');
      } catch {}
    } else if (postmaster && release) await release(dir);
    await removeTree(dir);
    swept++;
  }
  return swept;
}

/** Removes `*.partial-<pid>` and `*.stale-<pid>` staging folders whose process is gone. */
export async function sweepStaging(folders: string[]): Promise<number> {
  let swept = 0;
  for (const folder of folders) {
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const pid = Number(STAGING.exec(name)?.[1]);
      if (!pid || alive(pid)) continue;
      await removeTree(join(folder, name));
      swept++;
    }
  }
  return swept;
}
