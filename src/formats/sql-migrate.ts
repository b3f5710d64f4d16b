import type { IgnoredFile, Migration, Problem } from '../migration.ts';
import { annotatedMigration, parseSqlMigrate } from './annotated.ts';
import { anyFileHas, ignore } from './common.ts';
import type { Format } from './format.ts';
import { compareNumeric } from './version.ts';

const MARKER = /^-- \+migrate Up\b/m;
const SQL_MIGRATE = { name: 'sql-migrate', annotations: '`-- +migrate` annotations: see https://github.com/rubenv/sql-migrate#writing-migrations' };

/**
 * sql-migrate's order (migrate.go, Migration.Less): files whose names start with a number come
 * first, by that number; then the rest by name; equal numbers fall back to the name.
 */
function compare(a: Migration, b: Migration): number {
  const [x, y] = [/^\d+/.exec(a.version)?.[0], /^\d+/.exec(b.version)?.[0]];
  if (x !== undefined && y !== undefined && compareNumeric(x, y) !== 0) return compareNumeric(x, y);
  if (x !== undefined && y === undefined) return -1;
  if (x === undefined && y !== undefined) return 1;
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}

/**
 * sql-migrate (github.com/rubenv/sql-migrate): every `.sql` file in the folder is a migration
 * whose id is its file name, with `-- +migrate Up` / `-- +migrate Down` sections. Statements
 * are sent one by one inside a transaction per migration, unless the section's marker says
 * `notransaction`. Bookkeeping: `gorp_migrations`.
 */
export const sqlMigrate: Format = {
  id: 'sql-migrate',
  looksLike: '`20240101120000-create-users.sql` holding `-- +migrate Up` and `-- +migrate Down`',

  async detect(directory, files) {
    return anyFileHas(directory, files, MARKER);
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const migrations: Migration[] = [];
    for (const file of await directory.list()) {
      if (file.includes('/') || !file.endsWith('.sql')) {
        ignore(ignored, problems, directory, file, file.includes('/') ? 'sql-migrate only reads files directly inside the migration directory' : 'sql-migrate only reads `.sql` files');
        continue;
      }
      const version = file;
      const name = file.replace(/^\d+[-_]?/, '').replace(/\.sql$/, '');
      const sections = parseSqlMigrate(await directory.read(file));
      // sql-migrate always has a down, empty when the file has no Down section.
      const { migration, problem } = annotatedMigration(directory, file, { version, name }, sections, SQL_MIGRATE, true);
      migrations.push(migration);
      if (problem) problems.push(problem);
    }
    migrations.sort(compare);
    return {
      directory: directory.path,
      format: 'sql-migrate',
      migrations,
      ignored,
      problems,
      // sql-migrate's gorp table for the postgres dialect.
      bookkeeping: 'CREATE TABLE IF NOT EXISTS gorp_migrations (id text NOT NULL PRIMARY KEY, applied_at timestamp with time zone)',
    };
  },
};
