import type { DirectoryReader } from '../files/directory.ts';
import type { IgnoredFile, Migration, MigrationSet, Problem, Script, TransactionMode } from '../migration.ts';
import { duplicate, ignore } from './common.ts';
import { wholeFile } from '../migration.ts';
import { posix } from 'node:path';
import type { Format } from './format.ts';
import { compareNumeric } from './version.ts';

// golang-migrate's own pattern (source/parse.go): any extension after the direction, but the
// postgres driver only ever sees the files the source hands it, so `.sql` is what matters.
export const FILE = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/;

/**
 * golang-migrate (github.com/golang-migrate/migrate) with its postgres driver:
 * `{version}_{title}.up.sql` / `{version}_{title}.down.sql` in one flat folder, version an
 * unsigned 64-bit integer compared numerically, each file sent as one multi-statement query
 * (Postgres runs it as one implicit transaction unless it has its own BEGIN/COMMIT).
 */
export const golangMigrate: Format = {
  id: 'golang-migrate',
  looksLike: '`0001_create_users.up.sql` + `0001_create_users.down.sql`',
  hasDowns: true,
  // migrate.go newMigration: a missing down file becomes an "empty" migration that only sets the version.
  missingDown: ({ file, version, directory }) => ({
    message:
      `${file} has no down migration, while other migrations in ${directory} ` +
      `do: \`migrate down\` runs nothing for version ${version} ` +
      'and still records it as rolled back, so the schema keeps what its up did while the version says it is gone.',
    help: `Write \`${file.replace(/\.up\.sql$/, '.down.sql')}\` to undo this up.`,
  }),
  noTransactionHelp:
    'Move the statement into a migration file of its own (golang-migrate ' +
    'runs a single-statement file outside a transaction block).',

  async detect(_directory, files) {
    return files.some((f) => !f.includes('/') && FILE.test(f) && f.endsWith('.sql'));
  },

  load(directory) {
    return loadUpDown(directory, {
      format: 'golang-migrate',
      nested: 'golang-migrate only reads files directly inside the migration directory',
      unnamed: 'golang-migrate ignores files not named `{version}_{title}.up.sql` or `.down.sql`',
      // Parse's strconv.ParseUint fails, and the source driver skips files that do not parse.
      tooLarge: (digits) =>
        `golang-migrate skips it: version ${digits} does not fit an unsigned 64-bit integer ` +
        '(at most 18446744073709551615)',
      duplicate: 'golang-migrate refuses to run the directory ("duplicate migration file")',
      transaction: () => 'implicit',
      compare: (a, b) => compareNumeric(a.version, b.version),
      // Exactly golang-migrate's postgres driver (database/postgres/postgres.go ensureVersionTable).
      bookkeeping:
        'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)',
    });
  },
};

/** How one tool reads a folder of `{version}_{title}.up.sql` / `.down.sql` files (golang-migrate's naming). */
export interface UpDownRules {
  format: string;
  /** Why a file in a subfolder is not read, and why a file not so named is not. */
  nested: string;
  unnamed: string;
  tooLarge: (digits: string) => string;
  /** What the tool does with two files of one version and direction. */
  duplicate: string;
  /** How the tool sends the file. */
  transaction: (sql: string) => TransactionMode;
  /** The order the tool applies migrations in (by version, or by file name). */
  compare: (a: { version: string; file: string }, b: { version: string; file: string }) => number;
  bookkeeping: string;
}

/** Reads `{version}_{title}.up.sql` / `.down.sql` pairs in one flat folder, each file sent whole. */
export async function loadUpDown(directory: DirectoryReader, rules: UpDownRules): Promise<MigrationSet> {
  const ignored: IgnoredFile[] = [];
  const problems: Problem[] = [];
  const byVersion = new Map<string, { version: string; name: string; up?: string; down?: string }>();
  for (const file of await directory.list()) {
    if (file.includes('/')) {
      ignore(ignored, problems, directory, file, rules.nested);
      continue;
    }
    const m = FILE.exec(file);
    if (!m) {
      ignore(ignored, problems, directory, file, rules.unnamed);
      continue;
    }
    const [, digits, name, direction] = m as unknown as [string, string, string, 'up' | 'down'];
    if (BigInt(digits) > 0xffff_ffff_ffff_ffffn) {
      ignore(ignored, problems, directory, file, rules.tooLarge(digits));
      continue;
    }
    const key = BigInt(digits).toString();
    const entry = byVersion.get(key) ?? { version: digits, name };
    const taken = entry[direction];
    if (taken) {
      duplicate(ignored, problems, directory, taken, file, key, rules.duplicate);
      continue;
    }
    entry[direction] = file;
    byVersion.set(key, entry);
  }

  const script = async (file: string | undefined): Promise<Script | null> => {
    if (file === undefined) return null;
    const sql = await directory.read(file);
    return { file: posix.join(directory.path, file), units: wholeFile(sql), transaction: rules.transaction(sql) };
  };

  const entries = [...byVersion.values()].map((e) => ({ ...e, file: (e.up ?? e.down)! }));
  const migrations: Migration[] = [];
  for (const entry of entries.sort(rules.compare)) {
    migrations.push({
      version: entry.version,
      name: entry.name,
      up: await script(entry.up),
      down: await script(entry.down),
    });
  }
  return {
    directory: directory.path,
    format: rules.format,
    migrations,
    ignored,
    problems,
    bookkeeping: rules.bookkeeping,
  };
}
