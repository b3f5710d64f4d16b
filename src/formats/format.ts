import type { MigrationSet } from '../migration.ts';
import type { DirectoryReader } from './directory.ts';

/**
 * A migration format: how one tool names, orders, pairs, splits and runs its files.
 *
 * To add a format:
 * 1. Create `formats/<id>.ts` exporting a `Format` whose `id` is the file name.
 * 2. Add it to the list in `formats/index.ts` (the list is the registry; nothing registers
 *    itself on import).
 * 3. Add `formats/<id>.test.ts` that runs `formatConformance` from `formats/conformance.ts`
 *    plus the format's own cases, and fixtures under `migrations-fixtures/<id>/`.
 *
 * The contract (checked by the conformance suite):
 * - `load` returns migrations in exactly the order the tool applies them; versions compare
 *   the way the tool compares them (numbers numerically).
 * - Every file in the listing is either part of a migration or listed in `ignored` with the
 *   reason the tool would skip it; nothing is dropped silently.
 * - Scripts are split into units and given a transaction mode the way the tool sends them,
 *   with each unit's starting line so errors point at the right line of the file.
 * - `load` never touches a database; `bookkeeping` is the SQL the tool runs to create its
 *   own table, executed once before the first migration.
 */
export interface Format {
  readonly id: string;
  /** One line for `--help` and error messages: what the files look like. */
  readonly looksLike: string;
  /** Whether the listing (relative file names) holds migrations of this format. */
  detect(files: readonly string[]): boolean;
  load(directory: DirectoryReader): Promise<MigrationSet>;
}
