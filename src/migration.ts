import { posix } from 'node:path';
import type { CheckId } from './checks/check-ids.ts';

/**
 * The shared vocabulary: what a format produces and what the replay consumes.
 */

export type Direction = 'up' | 'down';

/**
 * How a runner sends one script to Postgres.
 * - `implicit`: each unit is one simple-protocol query; a multi-statement unit runs as one
 *   implicit transaction unless the SQL has its own BEGIN/COMMIT (golang-migrate, psql -c).
 * - `wrapped`: the runner sends BEGIN, then each unit, then COMMIT (goose, dbmate, sqlx …).
 * - `none`: each unit on its own, no transaction (the tools' "no transaction" markers).
 */
export type TransactionMode = 'implicit' | 'wrapped' | 'none';

/** One query as the runner sends it, with where it starts in its file (1-based). */
export interface ExecUnit {
  readonly sql: string;
  readonly line: number;
  readonly column: number;
  /**
   * For `COPY … FROM STDIN` read from a script (Flyway): the data lines that followed it, sent
   * through the COPY protocol as the tool's driver sends them.
   */
  readonly copyData?: string;
  /** The script ended before the `\.` line that ends the COPY data. */
  readonly copyUnterminated?: boolean;
}

export interface Script {
  /** Display path of the file (as the user named the directory, joined with the file name). */
  readonly file: string;
  readonly units: readonly ExecUnit[];
  readonly transaction: TransactionMode;
}

export interface Migration {
  /** The version as written in the file name, e.g. `0007` or `20240101120000`. */
  readonly version: string;
  readonly name: string;
  readonly up: Script | null;
  readonly down: Script | null;
  /**
   * A migration written in code (goose `.go`), which a SQL replay cannot run: its file.
   * `up` and `down` are then null and the replay goes on without it.
   */
  readonly code?: string;
  /**
   * A script the tool runs after the up to check it (sqitch's verify scripts): the replay runs it
   * after each up that succeeds, and its failure is a finding of its own.
   */
  readonly verify?: Script;
  /** Flyway's repeatable migrations (`R__…`): applied after the versioned ones. */
  readonly repeatable?: boolean;
  /**
   * The migration's own text where one file holds several migrations (a Liquibase changeset): the
   * history compares it instead of the whole file, as the tool checksums each migration.
   */
  readonly source?: string;
  /** drizzle's journal time (`when`): the migrator applies only entries newer than the last applied. */
  readonly when?: number;
}

/**
 * What tells a migration apart from the others of its set: its version, and for Flyway's
 * repeatable migrations, which all have the version `R` and are told apart by description, both.
 */
export const migrationId = (m: { readonly version: string; readonly name: string; readonly repeatable?: boolean }) =>
  m.repeatable ? `${m.version} ${m.name}` : m.version;

/**
 * Whether `a` and `b` (a migration, one of its steps, its history entry or its report row) are of
 * one migration: the same version and name, which tell Flyway's repeatables apart as well.
 */
export const sameMigration = (a: { version: string; name: string }, b: { version: string; name: string }) =>
  a.version === b.version && a.name === b.name;

/** The migrations of `set` before `m` written in code (goose Go, node-pg-migrate JavaScript), which a SQL replay does not run. */
export const codeBefore = (set: MigrationSet, m: { version: string; name: string }): Migration[] =>
  set.migrations
    .slice(
      0,
      Math.max(
        set.migrations.findIndex((x) => sameMigration(x, m)),
        0,
      ),
    )
    .filter((x) => x.code);

/** A file in the migration directory that the runner would not treat as a migration. */
export interface IgnoredFile {
  readonly file: string;
  readonly reason: string;
}

/**
 * Something a format noticed while reading the directory that the user must hear about (a
 * file the runner will never run, a migration the replay cannot run), reported by the check
 * named in `check`. `severity` overrides the check's default unless the user set one.
 */
export interface Problem {
  readonly check: CheckId;
  readonly severity?: 'error' | 'warning' | 'notice';
  readonly file: string;
  readonly line: number | null;
  readonly message: string;
  readonly help: string;
}

export interface MigrationSet {
  readonly directory: string;
  readonly format: string;
  /** In the order the runner applies them. */
  readonly migrations: readonly Migration[];
  readonly ignored: readonly IgnoredFile[];
  /** SQL the runner itself executes before the first migration (its bookkeeping table). */
  readonly bookkeeping: string;
  /** The runner applies every pending migration inside one transaction (drizzle's migrator). */
  readonly pendingTogether?: boolean;
  readonly problems?: readonly Problem[];
}

/** A migration's files (up, down, verify, or its code), relative to the set's folder. */
export function filesOf(set: MigrationSet, m: Migration): string[] {
  const files = [m.up?.file, m.down?.file, m.verify?.file, m.code].filter((f): f is string => Boolean(f));
  return [...new Set(files.map((f) => posix.relative(posix.join(set.directory), f)))];
}

/**
 * How a finding names a file: its path relative to the migration directory
 * (`2019-10-10-083032_add_column/down.sql`), so that a file of a folder-per-migration layout is
 * never a bare `down.sql`. A path outside the directory is kept as given.
 */
export function shownFile(directory: string, file: string): string {
  const relative = posix.relative(posix.join(directory), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/**
 * How a finding names the file of one migration: its path in the directory, and for a file that
 * holds several migrations (Liquibase changesets) which one, `changeset alice:2 of changelog.sql`.
 */
export function shownMigrationFile(set: MigrationSet, version: string | null, file: string): string {
  const shown = shownFile(set.directory, file);
  const m = version === null ? undefined : set.migrations.find((x) => x.version === version);
  return m?.source !== undefined ? `changeset ${version} of ${shown}` : shown;
}

/** The whole file as one unit starting at line 1, column 1. */
export function wholeFile(sql: string): ExecUnit[] {
  return [{ sql, line: 1, column: 1 }];
}

/**
 * Replaces each placeholder (literal text, longest first) in every script. Placeholders hold
 * no line breaks in practice, so reported lines stay those of the file.
 */
export function renderPlaceholders(set: MigrationSet, placeholders: Readonly<Record<string, string>>): MigrationSet {
  const tokens = Object.keys(placeholders).sort((a, b) => b.length - a.length);
  if (tokens.length === 0) return set;
  const render = (sql: string) => tokens.reduce((text, token) => text.replaceAll(token, placeholders[token]!), sql);
  // Flyway replaces placeholders in the whole script, COPY data included.
  const renderUnit = (u: ExecUnit): ExecUnit => {
    const rendered = { ...u, sql: render(u.sql) };
    return u.copyData === undefined ? rendered : { ...rendered, copyData: render(u.copyData) };
  };
  const script = (s: Script | null): Script | null => s && { ...s, units: s.units.map(renderUnit) };
  return { ...set, migrations: set.migrations.map((m) => ({ ...m, up: script(m.up), down: script(m.down) })) };
}
