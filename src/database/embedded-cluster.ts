import { createHash } from 'node:crypto';
import { access, lstat, readdir, readFile, readlink, rename, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { DatabaseError, errorMessage } from '../errors.ts';
import { cacheRoot, type Binaries } from './embedded-binaries.ts';
import { instancePath, ownFolder, removeTree, writableCache, type OwnedFolder } from './embedded-folders.ts';
import { serverEnvironment, type RunUser } from './embedded-process.ts';

/**
 * The template cluster: an initdb'd empty cluster per Postgres version, made once in the
 * cache and copied into every run's instance folder.
 *
 * It is *sealed*: read-only (`chmod -R a-w`; as root it is owned by root while the server
 * runs as `nobody`, who can neither read nor write it), with a manifest written when it is
 * made. Every copy is checked against the manifest before a server starts on it, and a
 * template found changed (a migration of an earlier run wrote to it) is rebuilt, so that no
 * run inherits settings or files another run left.
 */

const MANIFEST = 'manifest';

export function clustersFolder(): string {
  return join(cacheRoot(), 'clusters');
}

export function templatePath(binaries: Binaries, user: RunUser | null): string {
  return join(clustersFolder(), `${binaries.version}${user ? '-root' : ''}-sealed`);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * One line per entry of a data folder, sorted: type, size, mtime, and for the files at its
 * top (PG_VERSION, postgresql.conf, postgresql.auto.conf, pg_hba.conf, pg_ident.conf) their
 * sha256.
 * NOTE: hashing all ~970 files (~40 MB) takes 150–250 ms per start; this listing takes
 * 30–45 ms. Settings live in the top-level files, which are hashed; a change anywhere else
 * shows as a new, missing or resized file or a new mtime (`cp -a` keeps mtimes, so a faithful
 * copy lists exactly as its template did).
 */
export async function manifestOf(data: string): Promise<string> {
  const entries = await readdir(data, { recursive: true, withFileTypes: true });
  const lines = await Promise.all(
    entries.map(async (entry) => {
      const path = join(entry.parentPath, entry.name);
      const rel = relative(data, path);
      const info = await lstat(path);
      if (info.isDirectory()) return `d ${rel}`;
      if (info.isSymbolicLink()) return `l ${await readlink(path)} ${rel}`;
      const hash = rel.includes(sep) ? '-' : sha256(await readFile(path));
      return `f ${info.size} ${Math.trunc(info.mtimeMs)} ${hash} ${rel}`;
    }),
  );
  return `${lines.sort().join('\n')}\n`;
}

/** The path of the first entry that differs between two manifests, for the message. */
function firstDifference(expected: string, actual: string): string {
  const a = new Set(expected.split('\n'));
  const b = new Set(actual.split('\n'));
  const line = [...b].find((l) => !a.has(l)) ?? [...a].find((l) => !b.has(l)) ?? '';
  return line.split(' ').at(-1) || 'its manifest';
}

/** Template builds under way in this process, by template path. */
const building = new Map<string, Promise<void>>();

/**
 * Makes the template for `binaries` with initdb and seals it; replaces a changed one. Servers
 * started side by side in one process (ranges, directories) on first use share one build: each
 * making its own would fill the same staging folder at once.
 */
function buildTemplate(
  binaries: Binaries,
  user: RunUser | null,
  temp: string,
  changed: 'replace changed' | 'none yet',
): Promise<void> {
  const target = templatePath(binaries, user);
  let build = building.get(target);
  if (!build) {
    build = makeTemplate(binaries, user, temp, target, changed).finally(() => building.delete(target));
    building.set(target, build);
  }
  return build;
}

async function makeTemplate(
  binaries: Binaries,
  user: RunUser | null,
  temp: string,
  target: string,
  changed: 'replace changed' | 'none yet',
): Promise<void> {
  await writableCache(clustersFolder());
  const work = await ownFolder(instancePath(temp, 'init'), { owner: true });
  try {
    if (user) await work.run('chown', ['-R', `${user.uid}:${user.gid}`, work.path]);
    try {
      await work.run(
        join(binaries.binDir, 'initdb'),
        [
          '-D',
          join(work.path, 'data'),
          '-U',
          'postgres',
          '-A',
          'trust',
          '-E',
          'UTF8',
          '--locale=C',
          '--no-sync',
          '--no-instructions',
        ],
        { user, env: serverEnvironment(work.path), timeoutMs: 120_000 },
      );
    } catch (error) {
      if (work.gone) throw error;
      throw new DatabaseError(
        `initdb failed for the embedded Postgres ${binaries.version}: ${errorMessage(error)}. ` +
          `Use --database-url to run against a server of your own.`,
      );
    }
    const staging = await ownFolder(`${target}.partial-${process.pid}`, { owner: false });
    try {
      await staging.run('cp', ['-a', join(work.path, 'data'), join(staging.path, 'data')]);
      if (user) await staging.run('chown', ['-R', '0:0', staging.path]);
      await writeFile(join(staging.path, MANIFEST), await manifestOf(join(staging.path, 'data')));
      await staging.run('chmod', ['-R', 'a-w', staging.path]);
      await replace(staging, target, changed === 'replace changed');
    } finally {
      await staging.remove();
    }
  } finally {
    await work.remove();
  }
}

/**
 * Puts a sealed staging folder in place of `target`, moving a changed one aside first (`changed`).
 * Without `changed`, a template another run sealed there meanwhile (runs started at once on a new
 * machine) is kept: other runs may be copying it.
 */
async function replace(staging: OwnedFolder, target: string, changed: boolean): Promise<void> {
  const stale = `${target}.stale-${process.pid}`;
  const moved =
    changed &&
    (await rename(target, stale).then(
      () => true,
      () => false,
    ));
  try {
    await rename(staging.path, target);
  } catch (error) {
    // Another run put its own fresh template there first: use that one.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
  }
  if (moved) await removeTree(stale);
}

/**
 * Copies the template into `folder`/data (making it first if needed), checks the copy against
 * the manifest, and on a mismatch rebuilds the template once and copies again.
 */
export async function copyTemplate(
  binaries: Binaries,
  user: RunUser | null,
  folder: OwnedFolder,
  temp: string,
  progress?: (line: string) => void,
): Promise<void> {
  const template = templatePath(binaries, user);
  if (
    !(await access(join(template, MANIFEST)).then(
      () => true,
      () => false,
    ))
  ) {
    const major = binaries.version.split('.')[0];
    progress?.(`Preparing Postgres ${major}, once, ~10 s (cached in ${clustersFolder()} for the runs after this one).`);
    await buildTemplate(binaries, user, temp, 'none yet');
  }
  const data = join(folder.path, 'data');
  for (let attempt = 0; ; attempt++) {
    await folder.run('cp', ['-a', join(template, 'data'), data]);
    await folder.run('chmod', ['-R', 'u+w', data]);
    const expected = await readFile(join(template, MANIFEST), 'utf8').catch(() => '');
    const actual = await manifestOf(data);
    if (actual === expected) return;
    if (attempt > 0) {
      throw new DatabaseError(
        `The cached template cluster ${template} keeps changing while it is ` +
          `copied. Stop other migrate-check runs, remove ${template}, and try again.`,
      );
    }
    progress?.(
      `The cached Postgres ${binaries.version} template cluster had been changed since ` +
        `it was made (${firstDifference(expected, actual)}); rebuilt it in ${template}.`,
    );
    await removeTree(data);
    await buildTemplate(binaries, user, temp, 'replace changed');
  }
}
