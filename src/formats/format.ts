import type { MigrationSet } from '../migration.ts';
import type { Ordering } from './common.ts';
import type { DirectoryReader } from '../files/directory.ts';
import type { TransactionMode } from '../migration.ts';

/**
 * A migration format: how one tool names, orders, pairs, splits and runs its files.
 *
 * To add a format:
 * 1. Create `formats/<id>.ts` exporting a `Format` whose `id` is the file name. Besides
 *    reading files it says what the checks need to know of its tool (`hasDowns`,
 *    `noTransactionHelp`, `missingDown`): the type check asks for them.
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
  /**
   * Whether the directory holds migrations of this format, judged from the listing (relative
   * file names) and, where names are not enough, the tool's markers inside the files.
   * Formats whose files cannot be told apart from another's return false unless a marker of
   * their own is present: auto-detection never guesses.
   */
  detect(directory: DirectoryReader, files: readonly string[]): Promise<boolean>;
  load(directory: DirectoryReader, options?: FormatOptions): Promise<MigrationSet>;
  /**
   * The tool's own placeholder syntax (Flyway's `${name}`): a placeholder still in a file
   * after substitution stops the run with a message, as the tool itself would refuse it.
   */
  readonly placeholderSyntax?: RegExp;
  /** Placeholders the tool defines itself, used unless the user sets them. */
  readonly builtinPlaceholders?: Readonly<Record<string, string>>;
  /**
   * Whether a migration may have a down (a file of its own or a section of the up's file): the
   * pairing check looks for ups without downs, downs without ups and empty downs only then.
   */
  readonly hasDowns: boolean;
  /**
   * What the tool does when it rolls back a migration that has no down, while other migrations
   * of the directory have one (for the pairing check): the message names the file and the
   * consequence, `help` says what to write (the check adds how to mark an irreversible change).
   * Without it the finding says a rollback has nothing to run.
   */
  missingDown?(up: MissingDown): { message: string; help: string; severity?: 'warning' };
  /**
   * What the tool does with a down that holds no statement, where that differs from a rollback
   * that succeeds and changes nothing (diesel refuses a file of zero bytes): null for the default.
   */
  emptyDown?(down: EmptyDown): { message: string; help: string; severity?: 'error' | 'warning' } | null;
  /**
   * One imperative sentence: how to make the tool run a migration outside a transaction
   * (for the transaction check).
   */
  readonly noTransactionHelp: string;
}

/** A migration's up whose down is missing, as `Format.missingDown` is told of it. */
export interface MissingDown {
  /** The up's file name (no folder). */
  file: string;
  version: string;
  /** The migration directory, as the user named it. */
  directory: string;
}

/** A down without statements, as `Format.emptyDown` is told of it. */
export interface EmptyDown {
  /** The down's path relative to the migration directory. */
  file: string;
  /** Its text, as the tool would send it. */
  sql: string;
}

/** The `custom` format's settings: a file-name pattern and how the runner applies files. */
export interface CustomSettings {
  /** A regular expression with named groups `version`, `name` and optionally `direction`. */
  pattern: string;
  ordering: Ordering;
  transaction: TransactionMode;
  /** `file`: each file is one query; `statements`: split at top-level semicolons. */
  split: 'file' | 'statements';
  /** SQL for the runner's bookkeeping table, if the migrations touch it. */
  bookkeeping: string;
  /** Patterns of paths the runner never reads (other databases' files, its own metadata). */
  ignore?: string[];
  /** A file runs without a transaction when its path matches this pattern (e.g. `\.autocommit\.`) … */
  noTransactionName?: string;
  /** … or when its first line is this text (e.g. `-- no-transaction`). */
  noTransactionFirstLine?: string;
  /**
   * Several files for one version and direction (a dialect's own file beside a generic one):
   * the values of the pattern's `variant` group in order of preference, `""` for a file whose
   * name has none. Files of a variant not listed are not for this database.
   */
  prefer?: string[];
}

/** Settings the user may give a format in the config. */
export interface FormatOptions {
  /** For `plain`: order by the leading number (default) or by the whole file name. */
  ordering?: Ordering;
  /**
   * For `plain`: a comment line (among the comment lines a file starts with) that makes the
   * runner send the file as one query without its transaction, e.g. postgres-migrations'
   * `-- postgres-migrations disable-transaction`.
   */
  noTransactionMarker?: string;
  custom?: CustomSettings;
  /**
   * The `placeholders` setting, for a format whose tool substitutes variables itself (goose's
   * ENVSUB reads `${NAME}` from the key `${NAME}`). The literal replacement still follows.
   */
  placeholders?: Readonly<Record<string, string>>;
}
