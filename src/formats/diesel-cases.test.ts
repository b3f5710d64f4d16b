import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { diesel, dieselVersion, runInTransaction } from './diesel.ts';

/**
 * diesel's migration directory, case by case: `follows` names the upstream test (diesel_cli/tests/
 * migration_list.rs, migration_run.rs, migration_revert.rs, diesel_migrations/src/
 * file_based_migrations.rs) or the code the case follows (migrations_internals `version_from_string`,
 * `TomlMetadata`, `MigrationHarness::pending_migrations`).
 */
const ORDER: { follows: string; folders: string[]; order: string[] }[] = [
  {
    follows: 'migration_list_orders_nontimestamp_versions_alphabetically',
    folders: ['a_migration', 'bc_migration', 'aa_migration', '!wow_migration', '7letters', '20240101120000_stamped'],
    order: ['!wow_migration', '20240101120000_stamped', '7letters', 'a_migration', 'aa_migration', 'bc_migration'],
  },
  {
    follows: 'migration_list_orders_old_and_new_timestamp_forms_mixed_correctly',
    folders: ['2017-11-23-064836_migration', '20170505070309_migration'],
    order: ['20170505070309_migration', '2017-11-23-064836_migration'],
  },
  {
    follows: 'migration_list_orders_unknown_timestamps_last',
    folders: ['zzz_migration5', '20240101120002_migration2', 'abc_migration4', '20240101120001_migration1'],
    order: ['20240101120001_migration1', '20240101120002_migration2', 'abc_migration4', 'zzz_migration5'],
  },
  {
    follows: 'pending_migrations: versions compare as text, so `10_` runs before `9_`',
    folders: ['9_nine', '10_ten', '100_hundred'],
    order: ['10_ten', '100_hundred', '9_nine'],
  },
];

for (const c of ORDER) {
  test(`diesel order: ${c.follows}`, async () => {
    const files = Object.fromEntries(c.folders.map((f) => [`${f}/up.sql`, 'select 1;']));
    const set = await diesel.load(memoryDirectory('db', files));
    assert.deepEqual(
      set.migrations.map((m) => m.up!.file.split('/')[1]),
      c.order,
    );
  });
}

const VERSIONS: [folder: string, version: string][] = [
  ['2019-10-10-083032_add_column_to_twofactor', '20191010083032'],
  ['00000000000000_diesel_initial_setup', '00000000000000'],
  ['12345_create_users_table', '12345'],
  ['7letters', '7letters'],
  ['2024-1-5_x', '202415'],
];
test('diesel version_from_string: up to the first `_`, dashes removed', () => {
  for (const [folder, version] of VERSIONS) assert.equal(dieselVersion(folder), version, folder);
});

const TOML: { follows: string; toml: string | null; value: boolean; note?: RegExp }[] = [
  { follows: 'TomlMetadata::default (no metadata.toml)', toml: null, value: true },
  { follows: 'migration_run_without_transaction', toml: 'run_in_transaction = false', value: false },
  { follows: 'FileBasedMigrations docs example', toml: '## comment\nrun_in_transaction = true\n', value: true },
  { follows: '#[serde(default)] bool: a file without the key', toml: '# nothing\n', value: false, note: /does not/ },
  { follows: 'unwrap_or_default: not TOML', toml: 'run_in_transaction false', value: true, note: /not valid/ },
  {
    follows: 'unwrap_or_default: the key is not a boolean',
    toml: 'run_in_transaction = "false"',
    value: true,
    note: /not a boolean/,
  },
  {
    follows: 'serde ignores unknown keys',
    toml: 'other = 1\nrun_in_transaction = false # off',
    value: false,
  },
  {
    follows: 'a key inside a table is not the top-level key',
    toml: '[x]\nrun_in_transaction = true',
    value: false,
    note: /does not/,
  },
];
for (const c of TOML) {
  test(`diesel metadata.toml: ${c.follows}`, () => {
    const read = runInTransaction(c.toml);
    assert.equal(read.value, c.value);
    if (c.note) assert.match(read.note ?? '', c.note);
    else assert.equal(read.note, undefined);
  });
}

test('diesel: run_in_transaction decides between a wrapped file and one implicit query', async () => {
  const set = await diesel.load(
    memoryDirectory('db', {
      '1_a/up.sql': 'create table a ();',
      '1_a/down.sql': 'drop table a;',
      '2_b/up.sql': 'create index concurrently i on a ((1));',
      '2_b/metadata.toml': 'run_in_transaction = false',
    }),
  );
  assert.deepEqual(
    set.migrations.map((m) => [m.version, m.name, m.up?.transaction, m.down?.transaction ?? null]),
    [
      ['1', 'a', 'wrapped', 'wrapped'],
      ['2', 'b', 'implicit', null],
    ],
  );
  assert.deepEqual(
    set.migrations[0]!.up!.units.map((u) => u.sql),
    ['create table a ();'],
  );
});

test('diesel: files, dot folders and empty ups, as file_based_migrations and migration_run treat them', async () => {
  const set = await diesel.load(
    memoryDirectory('db', {
      'README.md': '# notes',
      '.hidden_dir/up.sql': 'select 1;',
      '1_a/up.sql': 'select 1;',
      '1_a/schema.sql': '',
      '12345_empty_migration/up.sql': '',
      'notes/old.sql': 'select 1;',
    }),
  );
  // migration_paths_in_directory_ignores_files / _ignores_dot_directories.
  assert.ok(set.ignored.some((i) => i.file === 'README.md'));
  assert.ok(set.ignored.some((i) => i.file === '.hidden_dir/up.sql'));
  assert.ok(set.ignored.some((i) => i.file === '1_a/schema.sql'));
  // empty_migrations_are_not_valid: "Attempted to run an empty migration."
  const empty = set.problems!.find((p) => p.check === 'parse-error');
  assert.match(empty!.message, /12345_empty_migration\/up.sql is empty.*Attempted to run an empty migration/);
  assert.equal(set.migrations.find((m) => m.version === '12345')!.up, null);
  // FileBasedMigrations::from_path: UnknownMigrationFormat for a folder without up.sql.
  assert.match(set.problems!.find((p) => p.check === 'naming')!.message, /notes\/ has no up.sql/);
});

test('diesel: a missing down.sql and an empty one fail the revert (migration_revert_…_missing_down)', async () => {
  const missing = diesel.missingDown!({ file: '12345_create_users_table/up.sql', version: '12345', directory: 'db' });
  assert.match(missing.message, /Missing `down.sql` file to revert migration/);
  assert.match(missing.help, /12345_create_users_table\/down.sql/);
  assert.match(diesel.emptyDown!({ file: 'x/down.sql', sql: '' })!.message, /Attempted to run an empty migration/);
  // A down holding a newline or a comment is sent, succeeds and changes nothing: the default finding.
  assert.equal(diesel.emptyDown!({ file: 'x/down.sql', sql: '\n' }), null);
});

test('diesel: two folders with one version (HashMap by version) keep one, and say so', async () => {
  const set = await diesel.load(
    memoryDirectory('db', {
      '2019-10-10-083032_a/up.sql': 'select 1;',
      '20191010083032_b/up.sql': 'select 2;',
    }),
  );
  assert.equal(set.migrations.length, 1);
  assert.match(
    set.problems!.find((p) => p.check === 'duplicate-version')!.message,
    /20191010083032_b and 2019-10-10-083032_a are both version 20191010083032/,
  );
});

test('diesel: a version longer than VARCHAR(50) cannot be recorded', async () => {
  const folder = `${'1'.repeat(51)}_long`;
  const set = await diesel.load(memoryDirectory('db', { [`${folder}/up.sql`]: 'select 1;' }));
  assert.match(set.problems!.find((p) => p.check === 'naming')!.message, /longer than 50 characters/);
});
