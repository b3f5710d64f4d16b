import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS, FIXTURES } from '../../test/helpers.ts';
import { fsDirectory, memoryDirectory, type DirectoryReader } from '../files/directory.ts';
import { formats } from '../formats/index.ts';
import type { MigrationSet } from '../migration.ts';
import { atlasFileLists, atlasSum } from './sum.ts';
import { verifySums } from './verify-sum.ts';

// Atlas' own testdata (github.com/ariga/atlas): the atlas.sum files Atlas wrote, with their migrations.
const ATLAS = join(FIXTURES, 'atlas-sum');

const setOf = (reader: DirectoryReader, format: string): MigrationSet => ({
  directory: reader.path,
  format,
  migrations: [],
  ignored: [],
  bookkeeping: '',
});
const EDITED = (file: string) =>
  `atlas.sum does not match the migration files from ${file} on: Atlas refuses to run with "checksum mismatch". ` +
  `${file} was edited after it was hashed.`;

/** Every file of a fixture folder, as bytes, for editing in memory. */
function filesOf(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (f.isFile()) out[join(f.parentPath, f.name).slice(dir.length + 1)] = readFileSync(join(f.parentPath, f.name));
  }
  return out;
}

/** The atlas.sum text Atlas writes for these files (HashFile.MarshalText). */
function atlasSumText(files: Record<string, Uint8Array>, names: string[]): string {
  const sum = atlasSum(names.map((name) => ({ name, content: Buffer.from(files[name]!) })));
  return [sum.total, ...sum.files.map((f) => `${f.name} ${f.hash}`)].join('\n') + '\n';
}

// folder → the migrate-check format of that directory.
const PUBLISHED: Record<string, string> = {
  goose: 'goose',
  dbmate: 'dbmate',
  flyway: 'flyway',
  liquibase: 'plain',
  atlas: 'plain',
  'golang-migrate-legacy': 'golang-migrate',
};

for (const [folder, format] of Object.entries(PUBLISHED)) {
  test(`atlas.sum: the sum Atlas wrote for its ${folder} testdata verifies; editing one byte is reported`, async () => {
    const dir = join(ATLAS, folder);
    assert.deepEqual(await verifySums(setOf(fsDirectory(dir), format), fsDirectory(dir)), []);
    const files = filesOf(dir);
    const victim = Object.keys(files)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .at(-1)!;
    const edited = Buffer.from(files[victim]!);
    edited[edited.length - 2] = edited[edited.length - 2]! ^ 0x01;
    const reader = memoryDirectory('db', { ...files, [victim]: edited });
    const problems = await verifySums(setOf(reader, format), reader);
    assert.deepEqual(
      problems.map((p) => [p.check, p.file]),
      [['sum-file', `db/${victim}`]],
    );
    assert.equal(problems[0]!.message, EDITED(victim));
  });
}

test('atlas.sum: the files Atlas hashes per format are those its own TestChecksum expects (sql/sqltool)', () => {
  const listing = (folder: string) => Object.keys(filesOf(join(ATLAS, folder))).sort();
  assert.deepEqual(atlasFileLists('golang-migrate', listing('golang-migrate-current')), [
    ['1_initial.up.sql', '2_second_migration.up.sql'],
    ['1_initial.down.sql', '1_initial.up.sql', '2_second_migration.down.sql', '2_second_migration.up.sql'],
  ]);
  assert.deepEqual(atlasFileLists('flyway', listing('flyway-current'))[0], [
    'B2__baseline.sql',
    'V3__third_migration.sql',
    'v3/V3_1__fourth_migration.sql',
    'R__views.sql',
  ]);
  assert.deepEqual(atlasFileLists('goose', listing('goose')), [['1_initial.sql', '2_second_migration.sql']]);
  assert.deepEqual(atlasFileLists('dbmate', listing('dbmate')), [['1_initial.sql', '2_second_migration.sql']]);
  // Flyway versions compare as numbers, part by part ("flyway with semver versioning").
  const semver = ['V1', 'V1_1_0', 'V1.1.1', 'V2', 'V2.1.0', 'V3', 'V11', 'V11.11.11'].map((v) => `${v}__.sql`);
  assert.deepEqual(atlasFileLists('flyway', [...semver].sort())[0], semver);
});

test('atlas.sum of golang-migrate: ups only (Atlas ≥ 0.32.1) and every file (before) both verify', async () => {
  const files = filesOf(join(ATLAS, 'golang-migrate-current'));
  const [ups, all] = atlasFileLists('golang-migrate', Object.keys(files).sort()) as [string[], string[]];
  for (const names of [ups, all]) {
    const reader = memoryDirectory('db', { ...files, 'atlas.sum': atlasSumText(files, names) });
    assert.deepEqual(await verifySums(setOf(reader, 'golang-migrate'), reader), [], names.join());
  }
  // Atlas does not hash downs since 0.32.1, so an edited down passes there, and fails a sum that covers it.
  const down = Buffer.concat([Buffer.from(files['2_second_migration.down.sql']!), Buffer.from('-- edited\n')]);
  const withDown = { ...files, '2_second_migration.down.sql': down };
  const upsOnly = memoryDirectory('db', { ...withDown, 'atlas.sum': atlasSumText(files, ups) });
  assert.deepEqual(await verifySums(setOf(upsOnly, 'golang-migrate'), upsOnly), []);
  const everything = memoryDirectory('db', { ...withDown, 'atlas.sum': atlasSumText(files, all) });
  const found = await verifySums(setOf(everything, 'golang-migrate'), everything);
  assert.deepEqual(
    found.map((p) => p.message),
    [EDITED('2_second_migration.down.sql')],
  );
  // A new up without re-hashing; a hand-edited first line.
  const sum = atlasSumText(files, ups);
  const added = memoryDirectory('db', { ...files, '3_third.up.sql': 'SELECT 1;\n', 'atlas.sum': sum });
  assert.deepEqual(
    (await verifySums(setOf(added, 'golang-migrate'), added)).map((p) => [p.file, p.message]),
    [
      [
        'db/3_third.up.sql',
        'atlas.sum does not match the migration files from 3_third.up.sql on: ' +
          'Atlas refuses to run with "checksum mismatch". ' +
          '3_third.up.sql is not in it: it was added without running `atlas migrate hash`.',
      ],
    ],
  );
  const merged = memoryDirectory('db', { ...files, 'atlas.sum': atlasSumText(files, ups).replace(/^h1:./, 'h1:A') });
  const hand = await verifySums(setOf(merged, 'golang-migrate'), merged);
  assert.match(hand[0]?.message ?? '', /^atlas\.sum does not match itself \(its first line is not the sum/);
});

test('atlas.sum: a file starting with `-- atlas:sum ignore` keeps only its name in the running hash', () => {
  const plain = atlasSum([
    { name: '1.sql', content: 'A;\n' },
    { name: '2.sql', content: 'B;\n' },
  ]);
  const ignored = atlasSum([
    { name: '1.sql', content: '-- atlas:sum ignore\nA;\n' },
    { name: '2.sql', content: 'B;\n' },
  ]);
  assert.deepEqual(
    ignored.files.map((f) => f.name),
    ['2.sql'],
  );
  assert.notEqual(ignored.files[0]!.hash, plain.files[1]!.hash);
  // Go's `.` does not stop at `\r`: "ignore\r" is another mode, and the file is hashed.
  assert.equal(atlasSum([{ name: '1.sql', content: '-- atlas:sum ignore\r\nA;\n' }]).files.length, 1);
});

test('atlas.sum in the shared corpus: no sum-file finding on a golang-migrate directory Atlas manages', async (t) => {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name === 'atlas.sum') found.push(dir);
    }
  };
  try {
    walk(CORPUS);
  } catch {
    return t.skip(`${CORPUS} is absent; the corpus lane needs the shared corpus`);
  }
  const dirs = [];
  for (const dir of found) {
    const reader = fsDirectory(dir);
    const files = await reader.list();
    if (await formats.find((f) => f.id === 'golang-migrate')!.detect(reader, files)) dirs.push(dir);
  }
  if (dirs.length === 0) return t.skip(`no golang-migrate directory with an atlas.sum in ${CORPUS}`);
  for (const dir of dirs) {
    const reader = fsDirectory(dir);
    const set = await formats.find((f) => f.id === 'golang-migrate')!.load(reader);
    assert.deepEqual(await verifySums(set, reader), [], dir);
  }
});
