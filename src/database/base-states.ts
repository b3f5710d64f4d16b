import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot, type Binaries } from './embedded-binaries.ts';
import { manifestOf } from './embedded-cluster.ts';
import { ownFolder, removeTree, writableCache, type OwnedFolder } from './embedded-folders.ts';
import type { RunUser } from './embedded-process.ts';

/**
 * Cached base states: sealed copies of a stopped embedded cluster holding, in a database per key,
 * the state a directory's merged migrations leave (its prerequisites, its runner's bookkeeping and
 * every merged migration applied up). A pull request's check then starts its server from the copy
 * and replays only the migrations the PR adds, in a database made `TEMPLATE` of that state.
 *
 * The key (pipeline/base-state.ts) is a hash of everything the state depends on: migrate-check's
 * version, the format, the prerequisites, the session settings, the timeouts and the text of each
 * merged migration; an entry belongs to one build of the Postgres binaries. An entry is sealed as
 * the template cluster is (read-only, with a manifest checked after every copy): one found changed
 * is removed and not used.
 */

const MANIFEST = 'manifest';
const KEYS = 'keys.json';
/** How many entries are kept per Postgres build (the newest); each is a whole cluster, ~40 MB and up. */
const KEEP = 3;

export function baseStatesFolder(): string {
  return join(cacheRoot(), 'base-states');
}

const prefix = (binaries: Binaries, user: RunUser | null) => `${binaries.version}${user ? '-root' : ''}-`;

/** The database that holds a key's state in an entry's cluster. */
export const baseStateDatabase = (key: string) => `mc_base_${key.slice(0, 32)}`;

/**
 * Whether a scratch database made from `template` takes the state's database itself (renamed,
 * once: the cluster is the run's own copy) rather than a copy of it; a state so taken leaves
 * `baseStates`.
 */
export function adoptBaseState(
  baseStates: Map<string, string>,
  template: string | undefined,
  options?: { copy?: boolean },
): boolean {
  const adopt = template !== undefined && !options?.copy && [...baseStates.values()].includes(template);
  if (adopt) for (const [key, name] of baseStates) if (name === template) baseStates.delete(key);
  return adopt;
}

export interface BaseStateEntry {
  readonly path: string;
  readonly keys: ReadonlySet<string>;
}

/**
 * The sealed entry for these binaries that holds the most of `wanted` (the newest of those that
 * hold as many), or null when none holds any.
 */
export async function findBaseState(
  binaries: Binaries,
  user: RunUser | null,
  wanted: readonly string[],
): Promise<BaseStateEntry | null> {
  let best: BaseStateEntry | null = null;
  let most = 0;
  for (const { path, mtime } of await entries(binaries, user)) {
    if (mtime < 0) continue;
    const keys = await readKeys(path);
    const held = wanted.filter((key) => keys?.has(key)).length;
    if (held > most) [best, most] = [{ path, keys: keys! }, held];
  }
  return best;
}

/** The entries for these binaries, newest first by their manifest (written last; -1: none). */
async function entries(binaries: Binaries, user: RunUser | null): Promise<{ path: string; mtime: number }[]> {
  const start = prefix(binaries, user);
  const names = (await readdir(baseStatesFolder()).catch(() => [] as string[])).filter(
    (name) => name.startsWith(start) && /^[0-9a-f]{12}$/.test(name.slice(start.length)),
  );
  const dated = await Promise.all(
    names.map(async (name) => {
      const path = join(baseStatesFolder(), name);
      return {
        path,
        mtime: await stat(join(path, MANIFEST)).then(
          (s) => s.mtimeMs,
          () => -1,
        ),
      };
    }),
  );
  return dated.sort((a, b) => b.mtime - a.mtime);
}

async function readKeys(path: string): Promise<Set<string> | null> {
  try {
    const value = JSON.parse(await readFile(join(path, KEYS), 'utf8')) as unknown;
    return Array.isArray(value) && value.every((k) => typeof k === 'string') ? new Set(value) : null;
  } catch {
    return null;
  }
}

/**
 * Copies the entry's cluster into `data` (inside `folder`) and checks the copy against the
 * entry's manifest: `changed` when the entry had been changed since it was sealed (it is then
 * removed), `gone` when another run removed it meanwhile.
 */
export async function copyBaseState(
  entry: BaseStateEntry,
  folder: OwnedFolder,
  data: string,
): Promise<'copied' | 'changed' | 'gone'> {
  try {
    await folder.run('cp', ['-a', join(entry.path, 'data'), data]);
    await folder.run('chmod', ['-R', 'u+w', data]);
  } catch (error) {
    // Removed while it was copied (another run kept only the newest states): start from the template.
    if (folder.gone) throw error;
    await removeTree(data);
    return 'gone';
  }
  const expected = await readFile(join(entry.path, MANIFEST), 'utf8').catch(() => '');
  if (expected && (await manifestOf(data)) === expected) return 'copied';
  await removeTree(data);
  if (!expected) return 'gone';
  await removeTree(entry.path);
  return 'changed';
}

/**
 * Seals the stopped cluster in `data` as a new entry holding `keys`, then keeps only the newest
 * entries for these binaries. Returns the entry's folder.
 */
export async function sealBaseState(
  binaries: Binaries,
  user: RunUser | null,
  data: string,
  keys: readonly string[],
): Promise<string> {
  await writableCache(baseStatesFolder());
  const target = join(baseStatesFolder(), prefix(binaries, user) + randomBytes(6).toString('hex'));
  const staging = await ownFolder(`${target}.partial-${process.pid}`, { owner: false });
  try {
    await staging.run('cp', ['-a', data, join(staging.path, 'data')]);
    // Written by the stopped server for its own start, never read from a copy.
    await removeTree(join(staging.path, 'data', 'postmaster.opts'));
    if (user) await staging.run('chown', ['-R', '0:0', staging.path]);
    await writeFile(join(staging.path, KEYS), JSON.stringify([...keys]));
    await writeFile(join(staging.path, MANIFEST), await manifestOf(join(staging.path, 'data')));
    await staging.run('chmod', ['-R', 'a-w', staging.path]);
    await rename(staging.path, target);
  } finally {
    await staging.remove();
  }
  await prune(binaries, user);
  return target;
}

async function prune(binaries: Binaries, user: RunUser | null): Promise<void> {
  for (const { path } of (await entries(binaries, user)).slice(KEEP)) await removeTree(path);
}
