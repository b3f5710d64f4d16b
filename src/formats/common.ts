import { posix } from 'node:path';
import { InputError } from '../errors.ts';
import type { IgnoredFile, Migration, Problem } from '../migration.ts';
import type { DirectoryReader } from './directory.ts';
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
  return /^\d/.test(base) || /\.(up|down)\.[a-z]+$/i.test(base) || /^[VUR]\d*[._]*_/.test(base) || LEFTOVER.test(posix.basename(file));
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
      message: `${file} looks like a migration, but ${reason.replace(/^./, (c) => c.toLowerCase())}: it will never run.`,
      help: LEFTOVER.test(file) ? 'Delete the leftover copy.' : 'Rename the file to the naming pattern of your migration tool, or move it out of the migration directory.',
    });
  }
}

/** Compares versions numerically (digits, leading zeros ignored), then by the tie-breaker. */
export function byVersion<T extends { version: string }>(ordering: Ordering, tie: (m: T) => string = () => ''): (a: T, b: T) => number {
  return (a, b) => {
    const order = ordering === 'numeric' ? compareNumeric(a.version, b.version) : a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
    if (order !== 0) return order;
    const [x, y] = [tie(a), tie(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** Refuses two migrations with the same version, as every versioned runner does. */
export function refuseDuplicates(migrations: readonly Migration[], files: (m: Migration) => string, tool: string, key = (v: string) => BigInt(v).toString()): void {
  const seen = new Map<string, Migration>();
  for (const m of migrations) {
    const k = key(m.version);
    const other = seen.get(k);
    if (other) {
      throw new InputError(`${files(other)} and ${files(m)} are both version ${k}: ${tool} refuses to run a directory with duplicate versions. Renumber one of them.`);
    }
    seen.set(k, m);
  }
}

/** Whether any `.sql` file directly in the listing starts with the given marker line. */
export async function anyFileHas(directory: DirectoryReader, files: readonly string[], marker: RegExp): Promise<boolean> {
  for (const file of files) {
    if (file.includes('/') || !file.endsWith('.sql')) continue;
    if (marker.test(await directory.read(file))) return true;
  }
  return false;
}
