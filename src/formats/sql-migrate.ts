import type { IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { anyFileHas, at, ignore } from './common.ts';
import type { DirectoryReader } from '../files/directory.ts';
import type { Format } from './format.ts';
import { parseSqlMigrate } from './sql-migrate-parse.ts';
import { compareNumeric } from './version.ts';

const MARKER = /^-- \+migrate Up\b/m;
const INT64_MAX = 0x7fff_ffff_ffff_ffffn;
const HELP = 'Fix the `-- +migrate` annotations: see https://github.com/rubenv/sql-migrate#writing-migrations.';

const numberPrefix = (id: string) => /^\d+/.exec(id)?.[0];

/** Go compares strings byte by byte (UTF-8), not by UTF-16 unit as JavaScript's `<` does. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * sql-migrate's order (migrate.go, Migration.Less): ids (file names) that start with a number
 * come first, by that number as an int64; then the rest by name; equal numbers fall back to the
 * name.
 */
export function compareSqlMigrate(a: string, b: string): number {
  const [x, y] = [numberPrefix(a), numberPrefix(b)];
  if (x !== undefined && y !== undefined && compareNumeric(x, y) !== 0) return compareNumeric(x, y);
  if (x !== undefined && y === undefined) return -1;
  if (x === undefined && y !== undefined) return 1;
  return byBytes(a, b);
}

/** The migration sql-migrate makes of one file, or the problem that stops `sql-migrate up`. */
function migrationOf(
  directory: DirectoryReader,
  file: string,
  text: string,
): { migration: Migration; problem?: Problem } {
  const id = { version: file, name: file.replace(/^\d+[-_]?/, '').replace(/\.sql$/, '') };
  const parsed = parseSqlMigrate(text);
  if (parsed.error) {
    const { line, message } = parsed.error;
    return {
      migration: { ...id, up: null, down: null },
      problem: {
        check: 'parse-error',
        file: at(directory, file),
        line,
        // FindMigrations parses every file before planning: one bad file stops every migration.
        message:
          `sql-migrate refuses to run any migration while ${file} does not ` +
          `parse: "${message}" (line ${line}). The replay skipped this migration.`,
        help: HELP,
      },
    };
  }
  const script = (units: Script['units'], tx: boolean): Script => ({
    file: at(directory, file),
    units,
    transaction: tx ? 'wrapped' : 'none',
  });
  // sql-migrate always has a down, empty when the file has no Down section.
  return {
    migration: {
      ...id,
      up: script(parsed.up, parsed.upTransaction),
      down: script(parsed.down, parsed.downTransaction),
    },
  };
}

/**
 * sql-migrate (github.com/rubenv/sql-migrate): every `.sql` file directly in the folder is a
 * migration whose id is its file name, with `-- +migrate Up` / `-- +migrate Down` sections.
 * Statements are sent one by one inside a transaction per migration, unless the section's
 * marker says `notransaction`. Bookkeeping: `gorp_migrations`.
 */
export const sqlMigrate: Format = {
  id: 'sql-migrate',
  looksLike: '`20240101120000-create-users.sql` holding `-- +migrate Up` and `-- +migrate Down`',
  hasDowns: true,
  noTransactionHelp: 'Move the statement into its own migration whose marker reads `-- +migrate Up notransaction`.',

  async detect(directory, files) {
    return anyFileHas(directory, files, MARKER);
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const migrations: Migration[] = [];
    const files = await directory.list();
    const sql = files.filter((f) => !f.includes('/') && f.endsWith('.sql'));
    for (const file of files) {
      if (!sql.includes(file)) {
        ignore(
          ignored,
          problems,
          directory,
          file,
          file.includes('/')
            ? 'sql-migrate only reads files directly inside the migration directory'
            : 'sql-migrate only reads `.sql` files',
        );
        continue;
      }
      // Migration.VersionInt panics on a number past int64 as soon as the sort compares it with another numbered file.
      const prefix = numberPrefix(file);
      if (
        prefix !== undefined &&
        BigInt(prefix) > INT64_MAX &&
        sql.some((other) => other !== file && numberPrefix(other) !== undefined)
      ) {
        ignored.push({ file, reason: `its number ${prefix} does not fit an int64` });
        problems.push({
          check: 'naming',
          file: at(directory, file),
          line: null,
          message:
            `sql-migrate cannot order ${file}: ${prefix} does not fit a 64-bit integer, and sorting it ` +
            `against the other numbered files panics ("Could not parse … into int64"), so no migration runs.`,
          help: 'Rename the file with a number of at most 19 digits (a timestamp such as 20240101120000).',
        });
        continue;
      }
      const { migration, problem } = migrationOf(directory, file, await directory.read(file));
      migrations.push(migration);
      if (problem) problems.push(problem);
    }
    migrations.sort((a, b) => compareSqlMigrate(a.version, b.version));
    return {
      directory: directory.path,
      format: 'sql-migrate',
      migrations,
      ignored,
      problems,
      // gorp's CreateTablesIfNotExists for sql-migrate's MigrationRecord, postgres dialect.
      bookkeeping:
        'CREATE TABLE IF NOT EXISTS gorp_migrations (id text NOT ' +
        'NULL PRIMARY KEY, applied_at timestamp with time zone)',
    };
  },
};
