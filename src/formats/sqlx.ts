import { InputError } from '../errors.ts';
import type { IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { wholeFile } from '../migration.ts';
import { anyFileHas, at, byVersion, duplicate, ignore } from './common.ts';
import { posix } from 'node:path';
import type { Format } from './format.ts';

const NO_TRANSACTION = /^-- no-transaction/;

/**
 * sqlx (github.com/launchbadge/sqlx, `sqlx migrate`): `{version}_{description}.sql` (simple)
 * or `.up.sql` / `.down.sql` (reversible), version an i64 ordered numerically. Each file is
 * sent as one query inside a transaction, or on its own when its first line is
 * `-- no-transaction`. Bookkeeping: `_sqlx_migrations`.
 *
 * sqlx's files look exactly like golang-migrate's (reversible) or `plain` ones (simple), so
 * auto-detection picks sqlx when a Cargo.toml at or above the folder depends on sqlx
 * (formats/index.ts) or a file carries its `-- no-transaction` marker; set `format: sqlx` otherwise.
 */
export const sqlx: Format = {
  id: 'sqlx',
  looksLike: '`20240101120000_create_users.sql`, or `.up.sql` + `.down.sql` (set `format: sqlx`)',
  hasDowns: true,
  // Migrator::undo runs only down migrations: a version without one is skipped and stays applied.
  missingDown: ({ file, version, directory }) => ({
    message:
      `${file} has no \`.down.sql\`, while other migrations in ${directory} ` +
      `do: sqlx reverts only migrations that have one, so a revert ` +
      `skips version ${version}, which stays recorded as applied with its changes in place.`,
    help: `Write \`${file.replace(/\.up\.sql$/, '.down.sql')}\` to undo this up.`,
  }),
  noTransactionHelp: 'Move the statement into its own migration whose first line is `-- no-transaction`.',

  async detect(directory, files) {
    return anyFileHas(directory, files, NO_TRANSACTION);
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const byVersionKey = new Map<string, { version: string; name: string; up?: Script; down?: Script }>();
    for (const file of await directory.list()) {
      const cut = file.indexOf('_');
      // sqlx skips what is not `<VERSION>_<DESCRIPTION>.sql` (source.rs, resolve).
      if (file.includes('/') || cut < 0 || !file.endsWith('.sql')) {
        ignore(
          ignored,
          problems,
          directory,
          file,
          file.includes('/')
            ? 'sqlx only reads files directly inside the migration directory'
            : 'sqlx only reads files named `{version}_{description}.sql`',
        );
        continue;
      }
      const digits = file.slice(0, cut);
      // Rust's `str::parse::<i64>()`: an optional sign, then digits, within i64.
      const i64 = /^[+-]?\d+$/.test(digits) && BigInt.asIntN(64, BigInt(digits)) === BigInt(digits);
      if (!i64) {
        throw new InputError(
          `${at(directory, file)}: sqlx refuses to run this directory: \`${digits}\` is not an ` +
            `integer version (sqlx expects e.g. \`20240101120000_add_users.sql\`). Rename the file.`,
        );
      }
      const rest = file.slice(cut + 1);
      const direction = rest.endsWith('.up.sql') ? 'up' : rest.endsWith('.down.sql') ? 'down' : 'simple';
      // MigrationType::suffix, removed with `trim_end_matches` (every repetition of it).
      const suffix = direction === 'simple' ? '.sql' : `.${direction}.sql`;
      let name = rest;
      while (name.endsWith(suffix)) name = name.slice(0, -suffix.length);
      const text = await directory.read(file);
      const script: Script = {
        file: at(directory, file),
        units: wholeFile(text),
        transaction: NO_TRANSACTION.test(text) ? 'implicit' : 'wrapped',
      };
      const side = direction === 'down' ? 'down' : 'up';
      const key = BigInt(digits).toString();
      const entry = byVersionKey.get(key) ?? { version: digits, name };
      const other = entry[side];
      if (other) {
        duplicate(
          ignored,
          problems,
          directory,
          posix.basename(other.file),
          file,
          key,
          'sqlx refuses to run the directory (both would be recorded under one version)',
        );
        continue;
      }
      entry[side] = script;
      byVersionKey.set(key, entry);
    }
    const migrations: Migration[] = [...byVersionKey.values()].map((e) => ({
      version: e.version,
      name: e.name,
      up: e.up ?? null,
      down: e.down ?? null,
    }));
    migrations.sort(byVersion('numeric'));
    return {
      directory: directory.path,
      format: 'sqlx',
      migrations,
      ignored,
      problems,
      // sqlx-postgres migrate.rs, ensure_migrations_table.
      bookkeeping:
        'CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, ' +
        'description TEXT NOT NULL, installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success ' +
        'BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL)',
    };
  },
};
