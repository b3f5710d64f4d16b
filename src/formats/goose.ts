import type { IgnoredFile, Migration, Problem } from '../migration.ts';
import { anyFileHas, at, byVersion, dropDuplicates, ignore } from './common.ts';
import type { Format } from './format.ts';
import { gooseSqlMigration } from './goose-sql.ts';

const MARKER = /^--\s*\+goose\s+up\s*$/im;

/** ENVSUB values: the `placeholders` keyed `${NAME}` (never the environment migrate-check runs in). */
function environment(placeholders: Readonly<Record<string, string>> = {}): Map<string, string> {
  const env = new Map<string, string>();
  for (const [key, value] of Object.entries(placeholders)) {
    const name = /^\$\{([\p{L}][\p{L}\p{N}_]*)\}$/u.exec(key)?.[1];
    if (name) env.set(name, value);
  }
  return env;
}

/** goose's NumericComponent: `{n}_…` with n a positive 64-bit integer. */
function versionOf(file: string): { version: string; name: string } | string {
  const idx = file.indexOf('_');
  if (idx < 0) return "it has no '_' after the version";
  const digits = file.slice(0, idx);
  if (!/^[+-]?\d+$/.test(digits) || BigInt(digits) > 0x7fff_ffff_ffff_ffffn)
    return `\`${digits}\` is not a 64-bit integer version`;
  if (BigInt(digits) <= 0n) return 'goose versions must be greater than zero';
  return { version: digits, name: file.slice(idx + 1).replace(/\.(sql|go)$/, '') };
}

/**
 * goose (github.com/pressly/goose v3): `{n}_{name}.sql` with `-- +goose Up` / `-- +goose
 * Down` sections in one file, plus Go migrations `{n}_{name}.go`. Versions are int64
 * (sequential or timestamps) ordered numerically. Each statement is sent on its own, all of a
 * section inside one transaction unless the file says `-- +goose NO TRANSACTION`.
 */
export const goose: Format = {
  id: 'goose',
  looksLike: '`00001_create_users.sql` holding `-- +goose Up` and `-- +goose Down`',
  hasDowns: true,
  // goose's parser allows a file without Down (goose calls it optional); `goose down` runs no
  // statement for it and deletes its version row.
  missingDown: ({ file, version }) => ({
    severity: 'warning',
    message:
      `${file} has no \`-- +goose Down\` section: \`goose down\` records the rollback of version ${version} ` +
      'but changes nothing, so the schema keeps what its up did while the version says it is gone.',
    help: 'Add a `-- +goose Down` section that undoes the up.',
  }),
  noTransactionHelp: 'Move the statement into its own migration file that starts with `-- +goose NO TRANSACTION`.',

  async detect(directory, files) {
    return anyFileHas(directory, files, MARKER);
  },

  async load(directory, options) {
    const env = environment(options?.placeholders);
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const migrations: Migration[] = [];
    for (const file of await directory.list()) {
      if (file.includes('/')) {
        ignore(ignored, problems, directory, file, 'goose only reads files directly inside the migration directory');
        continue;
      }
      if (file.endsWith('_test.go')) {
        ignored.push({ file, reason: 'goose skips Go test files' });
        continue;
      }
      const isSql = file.endsWith('.sql');
      const isGo = file.endsWith('.go');
      if (!isSql && !isGo) {
        ignore(ignored, problems, directory, file, 'goose only reads `.sql` and `.go` files');
        continue;
      }
      const parsed = versionOf(file);
      if (typeof parsed === 'string') {
        if (isGo) {
          ignored.push({ file, reason: `goose skips Go files without a version prefix (${parsed})` });
          continue;
        }
        // goose refuses to start when a .sql file's name does not parse.
        ignored.push({ file, reason: `goose cannot read its version: ${parsed}` });
        problems.push({
          check: 'naming',
          file: at(directory, file),
          line: null,
          message: `goose refuses to run any migration while ${file} is in the directory: ${parsed}.`,
          help:
            'Name goose migrations `{version}_{name}.sql` with a ' +
            'positive integer version, e.g. `00012_add_index.sql`.',
        });
        continue;
      }
      if (isGo) {
        migrations.push({ ...parsed, up: null, down: null, code: at(directory, file) });
        problems.push({
          check: 'partial-replay',
          file: at(directory, file),
          line: null,
          message:
            `${file} is a Go migration: migrate-check replays SQL only, so ` +
            `version ${parsed.version} was not run and the replay continued without it.`,
          help:
            'Check this migration with goose itself; later findings ' +
            'may come from the schema it would have changed.',
        });
        continue;
      }
      const text = await directory.read(file);
      const { migration, problems: found } = gooseSqlMigration(directory, file, parsed, text, env);
      migrations.push(migration);
      problems.push(...found);
    }
    migrations.sort(byVersion('numeric'));
    const unique = dropDuplicates(
      migrations,
      ignored,
      problems,
      directory,
      (m) => m.code ?? m.up?.file ?? at(directory, `${m.version}_${m.name}`),
      'goose refuses to run the directory ("found duplicate migration version")',
    );
    return {
      directory: directory.path,
      format: 'goose',
      migrations: unique,
      ignored,
      problems,
      // goose's postgres dialect (internal/dialect/dialectquery/postgres.go).
      bookkeeping:
        'CREATE TABLE IF NOT EXISTS goose_db_version (id integer PRIMARY ' +
        'KEY GENERATED BY DEFAULT AS IDENTITY, version_id bigint NOT NULL, ' +
        'is_applied boolean NOT NULL, tstamp timestamp NOT NULL DEFAULT now())',
    };
  },
};
