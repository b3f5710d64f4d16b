import { posix } from 'node:path';
import type { IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { wholeFile } from '../migration.ts';
import { at, ignore } from './common.ts';
import type { Format } from './format.ts';

const UP = /^([^/]+)\/up\.sql$/;
const OWN_FILES = new Set(['up.sql', 'down.sql', 'metadata.toml']);
/** `__diesel_schema_migrations.version` is a VARCHAR(50): a longer version fails to be recorded. */
const VERSION_WIDTH = 50;

/** diesel's `version_from_string`: the folder name up to its first `_`, without its dashes. */
export function dieselVersion(folder: string): string {
  return folder.split('_')[0]!.replaceAll('-', '');
}

/**
 * What diesel makes of a migration's `metadata.toml` (`TomlMetadata`): without the file, the
 * migration runs in a transaction; a file that parses takes `run_in_transaction` from it, and a
 * file that parses without that key is `false` (serde's default for a bool); a file that does not
 * parse (or sets the key to something other than a boolean) is ignored (`unwrap_or_default`).
 */
export function runInTransaction(toml: string | null): { value: boolean; note?: string } {
  if (toml === null) return { value: true };
  let table = '';
  let value: boolean | undefined;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[\[?\s*([^\]]*?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      table = header[1]!;
      continue;
    }
    const pair = /^("?)([A-Za-z0-9_-]+)\1\s*=\s*(.*?)\s*(#.*)?$/.exec(line);
    if (!pair || pair[3] === '') return { value: true, note: 'it is not valid TOML' };
    if (table !== '' || pair[2] !== 'run_in_transaction') continue;
    if (pair[3] !== 'true' && pair[3] !== 'false') {
      return { value: true, note: `\`run_in_transaction = ${pair[3]}\` is not a boolean` };
    }
    if (value !== undefined) return { value: true, note: '`run_in_transaction` is set twice' };
    value = pair[3] === 'true';
  }
  if (value === undefined) return { value: false, note: 'it does not set `run_in_transaction`' };
  return { value };
}

/**
 * Diesel (diesel.rs, `diesel migration run` and `MigrationHarness`): one folder per migration,
 * `{version}_{name}/up.sql` with `down.sql` and an optional `metadata.toml`. The version is the
 * folder name up to its first `_` with its dashes removed (`2019-10-10-083032` is
 * `20191010083032`), compared as text. Each file is sent whole as one query (`batch_execute`),
 * inside a transaction unless `metadata.toml` says `run_in_transaction = false`.
 * Bookkeeping: `__diesel_schema_migrations`.
 */
export const diesel: Format = {
  id: 'diesel',
  looksLike: '`2024-01-01-120000_create_users/up.sql` + `down.sql` (a folder per migration)',
  hasDowns: true,
  missingDown: ({ file, version }) => ({
    message:
      `${file} has no \`down.sql\` beside it: \`diesel migration revert\` (and \`redo\`) fails with ` +
      `"Missing \`down.sql\` file to revert migration", and version ${version} stays applied.`,
    help: `Write \`${posix.join(posix.dirname(file), 'down.sql')}\` to undo this up.`,
  }),
  emptyDown: ({ file, sql }) =>
    sql === ''
      ? {
          severity: 'error',
          message:
            `${file} is empty: diesel refuses to run an empty file ("Attempted to run an empty migration."), ` +
            'so `diesel migration revert` fails here and the migration stays applied.',
          help:
            'Write the statements that undo the up (or, if the change is irreversible, a statement that fails ' +
            'and says so).',
        }
      : null,
  noTransactionHelp:
    'Move the statement into a migration of its own with `run_in_transaction = false` in its `metadata.toml` ' +
    '(diesel then sends the file as one query, which Postgres runs outside a transaction block only when it ' +
    'holds one statement).',

  async detect(_directory, files) {
    return files.some((f) => UP.test(f) && !f.startsWith('.'));
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const files = await directory.list();
    const folders = new Map<string, string[]>();
    for (const file of files) {
      const cut = file.indexOf('/');
      if (cut < 0) {
        ignored.push({ file, reason: 'diesel reads only the folders of the migration directory' });
        continue;
      }
      const folder = file.slice(0, cut);
      if (folder.startsWith('.')) {
        ignored.push({ file, reason: 'diesel skips folders whose name starts with a dot' });
        continue;
      }
      folders.set(folder, [...(folders.get(folder) ?? []), file.slice(cut + 1)]);
    }
    const migrations: Migration[] = [];
    const folderOfMigration = new Map<Migration, string>();
    const folderOf = (m: Migration) => folderOfMigration.get(m)!;
    for (const [folder, inside] of folders) {
      if (!inside.includes('up.sql')) {
        for (const f of inside) ignored.push({ file: `${folder}/${f}`, reason: 'the folder has no up.sql' });
        problems.push({
          check: 'naming',
          file: at(directory, folder),
          line: null,
          message:
            `${folder}/ has no up.sql: diesel refuses to run any migration of this directory ("Invalid ` +
            `migration directory: the directory's name should be <timestamp>_<name_of_migration>, and it ` +
            'should contain up.sql and optionally down.sql.").',
          help: `Move ${folder}/ out of the migration directory, or give it its up.sql.`,
        });
        continue;
      }
      for (const f of inside.filter((f) => !OWN_FILES.has(f))) {
        const reason = 'diesel reads only up.sql, down.sql and metadata.toml in a migration folder';
        ignore(ignored, problems, directory, `${folder}/${f}`, reason, 'warning');
      }
      const version = dieselVersion(folder);
      if (inside.includes('metadata.toml')) {
        ignored.push({ file: `${folder}/metadata.toml`, reason: "diesel's settings for the migration, not a script" });
      }
      const toml = inside.includes('metadata.toml') ? await directory.read(`${folder}/metadata.toml`) : null;
      const tx = runInTransaction(toml);
      if (tx.note) {
        problems.push({
          check: 'transaction',
          severity: tx.value ? 'warning' : 'notice',
          file: at(directory, `${folder}/metadata.toml`),
          line: null,
          message: tx.value
            ? `${folder}/metadata.toml is ignored by diesel because ${tx.note}: the migration runs in a transaction.`
            : `${folder}/metadata.toml parses, but ${tx.note}: diesel then runs the migration outside a ` +
              "transaction (serde's default for the missing key is false).",
          help: tx.value
            ? 'Write `run_in_transaction = false` (or `true`) on a line of its own.'
            : 'Write `run_in_transaction = false` if that is meant, or delete metadata.toml.',
        });
      }
      const script = async (file: string): Promise<Script> => ({
        file: at(directory, `${folder}/${file}`),
        units: wholeFile(await directory.read(`${folder}/${file}`)),
        transaction: tx.value ? 'wrapped' : 'implicit',
      });
      const up = await script('up.sql');
      if (up.units[0]!.sql === '') {
        problems.push({
          check: 'parse-error',
          file: up.file,
          line: null,
          message:
            `${folder}/up.sql is empty: \`diesel migration run\` stops here ("Failed to run ${folder} with: ` +
            'Attempted to run an empty migration."); the replay skipped it.',
          help: 'Write the migration, or delete the folder.',
        });
        const skipped = { version, name: nameOf(folder), up: null, down: null };
        folderOfMigration.set(skipped, folder);
        migrations.push(skipped);
        continue;
      }
      if (version.length > VERSION_WIDTH) {
        problems.push({
          check: 'naming',
          file: up.file,
          line: null,
          message:
            `${folder}'s version \`${version}\` is longer than ${VERSION_WIDTH} characters: diesel fails to record ` +
            'it in `__diesel_schema_migrations` (version VARCHAR(50)), which rolls the migration back.',
          help: 'Rename the folder to `{timestamp}_{name}` (diesel migration generate does).',
        });
      }
      const down = inside.includes('down.sql') ? await script('down.sql') : null;
      const migration = { version, name: nameOf(folder), up, down };
      folderOfMigration.set(migration, folder);
      migrations.push(migration);
    }
    // MigrationHarness::pending_migrations sorts by version, as Rust compares strings (bytes).
    const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    migrations.sort((a, b) => byBytes(a.version, b.version) || byBytes(folderOf(a), folderOf(b)));
    // Two folders with one version: diesel keys its migrations by version, so one replaces the other.
    const kept: Migration[] = [];
    for (const m of migrations) {
      const previous = kept.at(-1);
      if (previous && previous.version === m.version) {
        for (const f of folders.get(folderOf(m))!) {
          ignored.push({
            file: `${folderOf(m)}/${f}`,
            reason: `version ${m.version} is taken by ${folderOf(previous)}`,
          });
        }
        problems.push({
          check: 'duplicate-version',
          file: at(directory, folderOf(m)),
          line: null,
          message:
            `${folderOf(m)} and ${folderOf(previous)} are both version ${m.version}: diesel keeps one migration ` +
            'per version and never runs the other (which one depends on the order the file system lists the ' +
            `folders in). migrate-check replayed only ${folderOf(previous)}.`,
          help: 'Rename one of the folders with a new timestamp (`diesel migration generate` makes one).',
        });
        continue;
      }
      kept.push(m);
    }
    return {
      directory: directory.path,
      format: 'diesel',
      migrations: kept,
      ignored,
      problems,
      // diesel/src/migration/setup_migration_table.sql.
      bookkeeping:
        'CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, ' +
        'run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    };
  },
};

/** The migration's name: the folder name after its first `_`. */
function nameOf(folder: string): string {
  return folder.includes('_') ? folder.slice(folder.indexOf('_') + 1) : '';
}
