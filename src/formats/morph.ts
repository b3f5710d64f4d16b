import type { Format } from './format.ts';
import { anyFileHas } from './common.ts';
import { FILE, loadUpDown } from './golang-migrate.ts';

/** morph's marker (drivers/postgres/postgres.go nonTransactionalPrefix): the file's first bytes. */
const MARKER = /^-- morph:nontransactional/;

/**
 * mattermost/morph with its postgres driver (drivers/postgres/postgres.go Apply): files named as
 * golang-migrate's (`{version}_{title}.up.sql` / `.down.sql`, models/parse.go), applied in the
 * order of their file names (morph.go sortMigrations). Each file is sent as one query inside a
 * transaction morph opens (BEGIN … COMMIT around it, where `CREATE INDEX CONCURRENTLY` fails),
 * unless the file starts with `-- morph:nontransactional`: then it is sent alone, as one
 * implicit transaction. Auto-detection picks morph when a file carries that marker or the
 * nearest go.mod requires github.com/mattermost/morph (formats/index.ts); the names alone are
 * golang-migrate's.
 */
export const morph: Format = {
  id: 'morph',
  looksLike: '`000001_create_teams.up.sql` + `.down.sql`, with `-- morph:nontransactional` (set `format: morph`)',
  hasDowns: true,
  // morph.go findDownScripts: every applied migration needs its down, or no rollback runs at all.
  missingDown: ({ file, version, directory }) => ({
    message:
      `${file} has no down migration, while other migrations in ${directory} do: once version ${version} ` +
      'is applied, morph refuses every rollback ("could not find down script"), not only this one.',
    help: `Write \`${file.replace(/\.up\.sql$/, '.down.sql')}\` to undo this up.`,
  }),
  noTransactionHelp:
    'Move the statement into a migration file of its own whose first line is exactly ' +
    '`-- morph:nontransactional` (morph then sends it outside the transaction it opens).',

  async detect(directory, files) {
    const named = files.filter((f) => !f.includes('/') && FILE.test(f));
    return anyFileHas(directory, named, MARKER);
  },

  load(directory) {
    return loadUpDown(directory, {
      format: 'morph',
      nested: 'morph reads the files of subfolders too; migrate-check checks the top folder only',
      unnamed: 'morph stops on it: every file it reads must be named `{version}_{title}.up.sql` or `.down.sql`',
      tooLarge: (digits) => `morph stops on it: version ${digits} does not fit an unsigned 64-bit integer`,
      duplicate:
        'morph keys migrations by their name, so both would run; migrate-check checks the first only. Give each its own version',
      transaction: (sql) => (MARKER.test(sql) ? 'implicit' : 'wrapped'),
      // By file name, as strings (morph.go sortMigrations): zero-padded versions order as numbers.
      compare: (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
      // drivers/postgres/postgres.go createSchemaTableIfNotExists, with its default table name.
      bookkeeping:
        'CREATE TABLE IF NOT EXISTS db_migrations (version bigint not null primary key, name varchar not null)',
    });
  },
};
