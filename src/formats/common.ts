import { posix } from 'node:path';
import type { IgnoredFile, Migration, Problem } from '../migration.ts';
import type { DirectoryReader } from '../files/directory.ts';
import { compareNumeric } from './version.ts';

/** How a format (or the user, for `plain` and `custom`) orders versions. */
export type Ordering = 'numeric' | 'lexical';

/** The display path of a file in the directory. */
export const at = (directory: DirectoryReader, file: string) => posix.join(directory.path, file);

/** Editor and merge leftovers next to a migration: `0001_x.up.sql~`, `.orig`, `.swp` … */
const LEFTOVER = /(~|\.(bak|orig|rej|swp|swo|tmp|old))$/i;

/**
 * Whether an ignored file was probably meant to be a migration (a number first, an up/down
 * suffix, a tool's version prefix, or a leftover copy of one): the runner skipping it silently
 * is then a bug. `prerequisites.sql`, `README.md` or `baseline.sql` are not.
 */
export function looksLikeMigration(file: string): boolean {
  const base = posix.basename(file).replace(LEFTOVER, '');
  return (
    /^\d/.test(base) ||
    /\.(up|down)\.[a-z]+$/i.test(base) ||
    /^[VUR]\d*[._]*_/.test(base) ||
    LEFTOVER.test(posix.basename(file))
  );
}

/**
 * Records a file the runner skips; one that looks like a migration also becomes a `naming`
 * problem, because the runner would skip it without a word.
 */
export function ignore(
  ignored: IgnoredFile[],
  problems: Problem[],
  directory: DirectoryReader,
  file: string,
  reason: string,
  severity: Problem['severity'] = 'error',
): void {
  ignored.push({ file, reason });
  if (looksLikeMigration(file)) {
    problems.push({
      check: 'naming',
      severity,
      file: at(directory, file),
      line: null,
      message:
        `${file} looks like a migration, ` + `but ${reason.replace(/^./, (c) => c.toLowerCase())}: it will never run.`,
      help: LEFTOVER.test(file)
        ? 'Delete the leftover copy.'
        : 'Rename the file to the naming pattern of your migration tool, or move it out of the migration directory.',
    });
  }
}

/** Compares versions numerically (digits, leading zeros ignored), then by the tie-breaker. */
export function byVersion<T extends { version: string }>(
  ordering: Ordering,
  tie: (m: T) => string = () => '',
): (a: T, b: T) => number {
  return (a, b) => {
    const order =
      ordering === 'numeric'
        ? compareNumeric(a.version, b.version)
        : a.version < b.version
          ? -1
          : a.version > b.version
            ? 1
            : 0;
    if (order !== 0) return order;
    const [x, y] = [tie(a), tie(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/**
 * Two files claiming the same version: every versioned runner refuses to start (or, for
 * dbmate, silently skips the second). Recorded as a `duplicate-version` problem; the first
 * file is kept so the rest of the directory can still be replayed.
 */
export function duplicate(
  ignored: IgnoredFile[],
  problems: Problem[],
  directory: DirectoryReader,
  kept: string,
  file: string,
  version: string,
  consequence: string,
): void {
  ignored.push({ file, reason: `version ${version} is already taken by ${posix.basename(kept)}` });
  problems.push({
    check: 'duplicate-version',
    file: at(directory, file),
    line: null,
    message:
      `${file} and ${posix.basename(kept)} are both version ${version}: ${consequence}. ` +
      `migrate-check replayed only ${posix.basename(kept)}.`,
    help:
      'Renumber the newer migration so every version is unique (a ' +
      'merge of two branches that each added one is the usual cause).',
  });
}

/** Drops the later of two migrations with the same version key, recording a `duplicate-version` problem. */
export function dropDuplicates(
  migrations: Migration[],
  ignored: IgnoredFile[],
  problems: Problem[],
  directory: DirectoryReader,
  file: (m: Migration) => string,
  consequence: string,
  key = (v: string) => BigInt(v).toString(),
): Migration[] {
  const seen = new Map<string, Migration>();
  return migrations.filter((m) => {
    const other = seen.get(key(m.version));
    if (!other) {
      seen.set(key(m.version), m);
      return true;
    }
    const relative = (x: Migration) => posix.relative(posix.join(directory.path), file(x));
    duplicate(ignored, problems, directory, relative(other), relative(m), key(m.version), consequence);
    return false;
  });
}

/** Whether any `.sql` file directly in the listing starts with the given marker line. */
export async function anyFileHas(
  directory: DirectoryReader,
  files: readonly string[],
  marker: RegExp,
): Promise<boolean> {
  for (const file of files) {
    if (file.includes('/') || !file.endsWith('.sql')) continue;
    if (marker.test(await directory.read(file))) return true;
  }
  return false;
}
