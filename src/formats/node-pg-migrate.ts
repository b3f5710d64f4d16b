import { posix } from 'node:path';
import type { ExecUnit, IgnoredFile, Migration, Problem } from '../migration.ts';
import { at } from './common.ts';
import type { Format } from './format.ts';

/** `createMigrationCommentRegex` (src/sqlMigration.ts): `-- Up Migration`, `-- - up migration …`. */
const marker = (direction: 'up' | 'down') => new RegExp(`^\\s*--[\\s-]*${direction}\\s+migration`, 'im');
const UP = marker('up');
const DOWN = marker('down');
/** The extensions node-pg-migrate's default loader imports as JavaScript or TypeScript migrations. */
const CODE = /\.(js|ts|cjs|mjs|cts|mts)$/i;

/**
 * `getNumericPrefix` (src/utils/fileNameUtils.ts): the leading digits as a JavaScript number,
 * a 17-digit prefix read as a UTC time with milliseconds (`20200513070724505`); null where the
 * name has none (node-pg-migrate then throws "Cannot determine numeric prefix").
 */
export function numericPrefix(name: string): number | null {
  const prefix = /^\d+/.exec(name)?.[0];
  if (!prefix) return null;
  if (prefix.length === 17) {
    const [y, mo, d, h, mi, s, ms] = [0, 4, 6, 8, 10, 12, 14].map((i, k) =>
      prefix.slice(i, i + (k === 0 ? 4 : k === 6 ? 3 : 2)),
    );
    return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`).valueOf();
  }
  return Number(prefix);
}

/** `compareMigrationFileNames` (src/utils/comparators.ts): the numeric prefix, then a numeric locale compare. */
export function compareFileNames(a: string, b: string): number {
  const byPrefix = numericPrefix(a)! - numericPrefix(b)!;
  return (
    byPrefix ||
    a.localeCompare(b, undefined, { usage: 'sort', numeric: true, sensitivity: 'variant', ignorePunctuation: true })
  );
}

/** The 1-based line and column of `offset` in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/**
 * `getActions` (src/sqlMigration.ts): the up is the text from the up marker to the down marker
 * (or the whole file without an up marker), the down from the down marker to the up marker or
 * the end; `pgm.sql` adds a `;` unless the text ends with one. Each is one query.
 */
export function sections(content: string): { up: ExecUnit; down: ExecUnit | null } {
  const upStart = content.search(UP);
  const downStart = content.search(DOWN);
  const unit = (start: number, end: number | undefined): ExecUnit => {
    const text = content.slice(start, end);
    return { sql: text.endsWith(';') ? text : `${text};`, ...position(content, start) };
  };
  const up = upStart >= 0 ? unit(upStart, downStart < upStart ? undefined : downStart) : unit(0, undefined);
  const down = downStart >= 0 ? unit(downStart, upStart < downStart ? undefined : upStart) : null;
  return { up, down };
}

/**
 * node-pg-migrate (salsita/node-pg-migrate, v9) SQL migrations: every file directly in the folder
 * (dot files aside) is a migration named by its file name without the extension, ordered by its
 * numeric prefix (`compareMigrationFileNames`). A `.sql` file holds `-- Up Migration` and
 * `-- Down Migration` sections, each sent as one query inside a transaction; the CLI applies all
 * pending migrations inside one transaction (`--single-transaction`, its default).
 * Bookkeeping: `pgmigrations`.
 */
export const nodePgMigrate: Format = {
  id: 'node-pg-migrate',
  looksLike: '`1700000000000_create-users.sql` with `-- Up Migration` / `-- Down Migration`',
  hasDowns: true,
  missingDown: ({ file }) => ({
    message:
      `${file} has no \`-- Down Migration\` section: \`node-pg-migrate down\` stops there ("User has disabled ` +
      `down migration on file: ${posix.basename(file, '.sql')}") and it stays applied.`,
    help: 'Add a `-- Down Migration` section that undoes the up.',
  }),
  noTransactionHelp:
    'node-pg-migrate runs every SQL migration in a transaction: write this one as a JavaScript or TypeScript ' +
    'migration that calls `pgm.noTransaction()`, and run the CLI with `--no-single-transaction`.',

  async detect(directory, files) {
    for (const file of files) {
      if (file.includes('/') || !file.endsWith('.sql') || numericPrefix(file) === null) continue;
      if (UP.test(await directory.read(file))) return true;
    }
    return false;
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const entries: { file: string; migration: Migration }[] = [];
    const refuse = (file: string, why: string) =>
      problems.push({
        check: 'parse-error',
        file: at(directory, file),
        line: null,
        message:
          'node-pg-migrate loads every file of the migration directory and refuses to run any migration: ' + `${why}.`,
        help:
          'Move the file out of the migration directory, or make the runner skip it with `--ignore-pattern` ' +
          '(which replaces the default of skipping dot files).',
      });
    for (const file of await directory.list()) {
      if (file.includes('/')) {
        ignored.push({ file, reason: 'node-pg-migrate reads only the files directly in the migration directory' });
        continue;
      }
      if (file.startsWith('.')) {
        ignored.push({ file, reason: 'node-pg-migrate skips dot files (its default --ignore-pattern)' });
        continue;
      }
      const base = file.replace(/\.[^.]*$/, '');
      const version = /^\d+/.exec(file)?.[0];
      const name = version === undefined ? base : base.slice(version.length).replace(/^[_-]/, '');
      if (version === undefined) {
        ignored.push({ file, reason: 'node-pg-migrate cannot order a file without a numeric prefix' });
        refuse(file, `${file} has no numeric prefix ("Cannot determine numeric prefix for \\"${file}\\"")`);
        continue;
      }
      if (CODE.test(file)) {
        entries.push({ file, migration: { version, name, up: null, down: null, code: at(directory, file) } });
        continue;
      }
      if (!file.endsWith('.sql')) {
        ignored.push({ file, reason: 'node-pg-migrate would import it as a JavaScript migration, which fails' });
        refuse(file, `${file} is neither SQL nor JavaScript, and importing it as a migration fails`);
        continue;
      }
      const text = await directory.read(file);
      const { up, down } = sections(text);
      if (text.search(UP) < 0 && down) {
        problems.push({
          check: 'parse-error',
          severity: 'warning',
          file: at(directory, file),
          line: down.line,
          message:
            `${file} has a \`-- Down Migration\` section but no \`-- Up Migration\` line: node-pg-migrate ` +
            'then runs the whole file as the up, the down section included.',
          help: 'Start the up with a `-- Up Migration` line.',
        });
      }
      const script = (unit: ExecUnit) => ({
        file: at(directory, file),
        units: [unit],
        transaction: 'wrapped' as const,
      });
      entries.push({ file, migration: { version, name, up: script(up), down: down && script(down) } });
    }
    entries.sort((a, b) => compareFileNames(a.file, b.file));
    return {
      directory: directory.path,
      format: 'node-pg-migrate',
      migrations: entries.map((e) => e.migration),
      ignored,
      problems,
      pendingTogether: true,
      // src/runner.ts, ensureMigrationsTable (schema `public` unless --migrations-schema).
      bookkeeping:
        'CREATE TABLE IF NOT EXISTS "public"."pgmigrations" (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, ' +
        'run_on timestamp NOT NULL)',
    };
  },
};
