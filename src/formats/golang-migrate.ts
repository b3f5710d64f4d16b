import type { IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { duplicate, ignore } from './common.ts';
import { wholeFile } from '../migration.ts';
import { posix } from 'node:path';
import type { Format } from './format.ts';
import { compareNumeric } from './version.ts';

// golang-migrate's own pattern (source/parse.go): any extension after the direction, but the
// postgres driver only ever sees the files the source hands it, so `.sql` is what matters.
const FILE = /^([0-9]+)_(.*)\.(down|up)\.(.*)$/;

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

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const byVersion = new Map<string, { version: string; name: string; up?: string; down?: string }>();
    for (const file of await directory.list()) {
      if (file.includes('/')) {
        ignore(
          ignored,
          problems,
          directory,
          file,
          'golang-migrate only reads files directly inside the migration directory',
        );
        continue;
      }
      const m = FILE.exec(file);
      if (!m) {
        ignore(
          ignored,
          problems,
          directory,
          file,
          'golang-migrate ignores files not named `{version}_{title}.up.sql` or `.down.sql`',
        );
        continue;
      }
      const [, digits, name, direction] = m as unknown as [string, string, string, 'up' | 'down'];
      // Parse's strconv.ParseUint fails, and the source driver skips files that do not parse.
      if (BigInt(digits) > 0xffff_ffff_ffff_ffffn) {
        const reason =
          `golang-migrate skips it: version ${digits} does not fit an unsigned 64-bit integer ` +
          '(at most 18446744073709551615)';
        ignore(ignored, problems, directory, file, reason);
        continue;
      }
      const key = BigInt(digits).toString();
      const entry = byVersion.get(key) ?? { version: digits, name };
      const taken = entry[direction];
      if (taken) {
        duplicate(
          ignored,
          problems,
          directory,
          taken,
          file,
          key,
          `golang-migrate refuses to run the directory ("duplicate migration file")`,
        );
        continue;
      }
      entry[direction] = file;
      byVersion.set(key, entry);
    }

    const script = async (file: string | undefined): Promise<Script | null> =>
      file === undefined
        ? null
        : {
            file: posix.join(directory.path, file),
            units: wholeFile(await directory.read(file)),
            transaction: 'implicit',
          };

    const migrations: Migration[] = [];
    for (const entry of [...byVersion.values()].sort((a, b) => compareNumeric(a.version, b.version))) {
      migrations.push({
        version: entry.version,
        name: entry.name,
        up: await script(entry.up),
        down: await script(entry.down),
      });
    }
    return {
      directory: directory.path,
      format: 'golang-migrate',
      migrations,
      ignored,
      problems,
      // Exactly golang-migrate's postgres driver (database/postgres/postgres.go ensureVersionTable).
      bookkeeping:
        'CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)',
    };
  },
};
