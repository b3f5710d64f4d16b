import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { cacheRoot } from './embedded-binaries.ts';
import { removeTree, sweepStaging, writableCache } from './embedded-folders.ts';

/**
 * Cached base states for the container server: a copy of a container's data directory (taken by
 * `pg_basebackup` while the state's databases sat idle) holding, in a database per key, the state a
 * directory's merged migrations leave (see pipeline/base-state.ts). A pull request's check starts
 * its container from the copy and replays only the migrations the PR adds.
 *
 * An entry belongs to one image, by its ID: it is only ever restored into a container of that
 * image, which is where the copy came from. Its folder is named by the image and the keys, so the
 * runner's cache in GitHub Actions can save and restore it by name (github/runner-cache.ts); an
 * entry whose archive does not hash to what it was sealed with, or that names another image or
 * other keys, is removed and not used. What an entry holds only ever runs inside the throwaway
 * container, as the migrations do.
 */

/**
 * The archive Docker puts into the container: one file, mc-base.tar.gz, the data directory as the
 * image's tar packed it (its WAL segment is mostly zeros: ~60 MB → ~5 MB).
 */
const ARCHIVE = 'state.tar';
const ENTRY = 'entry.json';
/** How many entries are kept per image (the newest made or used); each ~5 MB and up. */
const KEEP = 3;

export function containerStatesFolder(): string {
  return join(cacheRoot(), 'container-states');
}

/** The entry's name for these keys in this image: what the runner's cache knows it by too. */
export function containerStateName(imageId: string, keys: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([imageId, [...keys].sort()]))
    .digest('hex')
    .slice(0, 32);
}

export interface ContainerStateEntry {
  readonly path: string;
  readonly archive: string;
  readonly keys: ReadonlySet<string>;
}

interface EntryFile {
  image: string;
  keys: string[];
  sha256: string;
}

async function readEntry(path: string): Promise<EntryFile | null> {
  try {
    const value = JSON.parse(await readFile(join(path, ENTRY), 'utf8')) as Partial<EntryFile>;
    const { image, keys, sha256 } = value;
    if (typeof image !== 'string' || typeof sha256 !== 'string') return null;
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) return null;
    return { image, keys, sha256 };
  } catch {
    return null;
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * The entry for this image holding the most of `wanted` (the newest of those that hold as many),
 * checked whole: its archive hashes to what it was sealed with, and its name is that of its image
 * and keys. An entry found otherwise is removed (`onRemoved` says so). Null when none holds any.
 */
export async function findContainerState(
  imageId: string,
  wanted: readonly string[],
  onRemoved?: (path: string) => void,
): Promise<ContainerStateEntry | null> {
  const folder = containerStatesFolder();
  await sweepStaging([folder]);
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{32}$/.test(n));
  const found: { path: string; entry: EntryFile; held: number; mtime: number }[] = [];
  for (const name of names) {
    const path = join(folder, name);
    const entry = await readEntry(path);
    if (!entry || entry.image !== imageId) continue;
    const held = wanted.filter((key) => entry.keys.includes(key)).length;
    const mtime = await stat(join(path, ENTRY)).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    if (held) found.push({ path, entry, held, mtime });
  }
  found.sort((a, b) => b.held - a.held || b.mtime - a.mtime);
  for (const { path, entry } of found) {
    const archive = join(path, ARCHIVE);
    const sound =
      containerStateName(entry.image, entry.keys) === path.slice(folder.length + 1) &&
      (await sha256Of(archive).catch(() => '')) === entry.sha256;
    if (sound) {
      // Used: the newest for the pruning of later saves.
      const now = new Date();
      await utimes(join(path, ENTRY), now, now).catch(() => {});
      return { path, archive, keys: new Set(entry.keys) };
    }
    await removeTree(path);
    onRemoved?.(path);
  }
  return null;
}

/**
 * Seals `archive` (a tar stream holding mc-base.tar.gz, the data directory) as the entry
 * for these keys in this image, replacing one of the same name; keeps only the newest entries.
 * Returns the entry's folder.
 */
export async function sealContainerState(
  imageId: string,
  keys: readonly string[],
  archive: NodeJS.ReadableStream,
): Promise<string> {
  const folder = containerStatesFolder();
  await writableCache(folder);
  const target = join(folder, containerStateName(imageId, keys));
  const staging = `${target}.partial-${process.pid}`;
  await removeTree(staging);
  try {
    await writableCache(staging);
    const file = join(staging, ARCHIVE);
    await pipeline(archive, createWriteStream(file));
    const entry: EntryFile = { image: imageId, keys: [...keys], sha256: await sha256Of(file) };
    await writeFile(join(staging, ENTRY), JSON.stringify(entry));
    await removeTree(target);
    await rename(staging, target);
  } finally {
    await removeTree(staging);
  }
  await prune(imageId);
  return target;
}

/** Keeps the KEEP newest entries of the image (and removes those whose entry file is unreadable). */
async function prune(imageId: string): Promise<void> {
  const folder = containerStatesFolder();
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{32}$/.test(n));
  const dated = await Promise.all(
    names.map(async (name) => {
      const path = join(folder, name);
      const entry = await readEntry(path);
      const mtime = await stat(join(path, ENTRY)).then(
        (s) => s.mtimeMs,
        () => 0,
      );
      return { path, image: entry?.image ?? imageId, mtime };
    }),
  );
  const mine = dated.filter((d) => d.image === imageId).sort((a, b) => b.mtime - a.mtime);
  for (const { path } of mine.slice(KEEP)) await removeTree(path);
}
