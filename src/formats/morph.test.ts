import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliInProcess } from '../../test/cli-in-process.ts';
import { sharedServer } from '../../test/helpers.ts';
import type { Report } from '../report/report.ts';
import { fsDirectory, memoryDirectory } from '../files/directory.ts';
import { formatConformance } from './conformance.ts';
import { detectFormat } from './index.ts';
import { morph } from './morph.ts';

const server = sharedServer();
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const MARKER = '-- morph:nontransactional\n';

// morph.go sortMigrations: by file name, as strings.
formatConformance(morph, {
  files: {
    '000001_teams.up.sql': 'create table teams ();',
    '000001_teams.down.sql': 'drop table teams;',
    '000002_index.up.sql': `${MARKER}create index concurrently teams_i on teams ((1));`,
    '000002_index.down.sql': `${MARKER}drop index concurrently teams_i;`,
    '10_ten.up.sql': 'select 1;',
    '9_nine.up.sql': 'select 1;',
  },
  order: ['000001', '000002', '10', '9'],
});

test('morph: each file whole, in a transaction morph opens, unless it starts with its marker', async () => {
  const set = await morph.load(
    memoryDirectory('m', {
      '000001_a.up.sql': 'create table a ();\ncreate table b ();',
      '000001_a.down.sql': 'drop table b; drop table a;',
      '000002_b.up.sql': `${MARKER}create index concurrently a_i on a ((1));`,
      // Only the file's very first bytes count (strings.HasPrefix).
      '000003_c.up.sql': `\n${MARKER}select 1;`,
    }),
  );
  assert.deepEqual(
    set.migrations.map((m) => [m.version, m.up?.transaction, m.up?.units.length]),
    [
      ['000001', 'wrapped', 1],
      ['000002', 'implicit', 1],
      ['000003', 'wrapped', 1],
    ],
  );
  assert.equal(
    set.bookkeeping,
    'CREATE TABLE IF NOT EXISTS db_migrations (version bigint not null primary key, name varchar not null)',
  );
});

/** A Go module `module` (its go.mod) with a `migrations` folder whose second migration builds an index concurrently. */
function module(goMod: string): string {
  const root = mkdtempSync(join(tmpdir(), 'mc-morph-'));
  made.push(root);
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, 'go.mod'), goMod);
  const dir = join(root, 'db', 'migrations');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '000001_t.up.sql'), 'CREATE TABLE t (id int);\n');
  writeFileSync(join(dir, '000001_t.down.sql'), 'DROP TABLE t;\n');
  writeFileSync(join(dir, '000002_t_id.up.sql'), 'CREATE INDEX CONCURRENTLY t_id ON t (id);\n');
  writeFileSync(join(dir, '000002_t_id.down.sql'), 'DROP INDEX t_id;\n');
  return root;
}

const MORPH_MODULE = 'module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/mattermost/morph v1.1.0\n)\n';

test('a Go module that requires morph: its golang-migrate-named files are read as morph', async () => {
  const root = module(MORPH_MODULE);
  assert.equal((await detectFormat(fsDirectory(join(root, 'db', 'migrations')))).id, 'morph');
  const other = module('module example.com/app\n\nrequire github.com/golang-migrate/migrate/v4 v4.17.0\n');
  assert.equal((await detectFormat(fsDirectory(join(other, 'db', 'migrations')))).id, 'golang-migrate');
});

test('morph: a lone CREATE INDEX CONCURRENTLY without the marker fails in the transaction morph opens, as a deploy would', async () => {
  const root = module(MORPH_MODULE);
  const r = await cliInProcess(['db/migrations', '--output', 'json', '--no-observe', '--no-seed'], {
    server: server(),
    cwd: root,
  });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.directories[0]!.format, 'morph');
  assert.deepEqual(
    report.findings.map((f) => `${f.check} ${f.severity} ${f.file}:${f.line}`),
    ['transaction error db/migrations/000002_t_id.up.sql:1'],
  );
  assert.match(report.findings[0]!.help!, /first line is exactly `-- morph:nontransactional`/);
  // With the marker it passes, as morph runs it.
  for (const name of ['000002_t_id.up.sql', '000002_t_id.down.sql']) {
    const file = join(root, 'db', 'migrations', name);
    writeFileSync(
      file,
      MARKER + (name.includes('.up.') ? 'CREATE INDEX CONCURRENTLY t_id ON t (id);\n' : 'DROP INDEX t_id;\n'),
    );
  }
  const fixed = await cliInProcess(['db/migrations', '--no-observe', '--no-seed'], { server: server(), cwd: root });
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
});

test('morph: a migration with no down makes every rollback fail, and the pairing check says so', async () => {
  const root = module(MORPH_MODULE);
  rmSync(join(root, 'db', 'migrations', '000001_t.down.sql'));
  const r = await cliInProcess(['db/migrations', '--output', 'json', '--no-observe', '--no-seed'], {
    server: server(),
    cwd: root,
  });
  const report = JSON.parse(r.stdout) as Report;
  const pairing = report.findings.find((f) => f.check === 'pairing');
  assert.match(pairing!.message, /morph refuses every rollback \("could not find down script"\), not only this one\./);
});

test('a Go module that requires pop, and not golang-migrate: auto-detection stops and names the recipe, never golang-migrate', async () => {
  const pop = module('module example.com/auth\n\nrequire (\n\tgithub.com/gobuffalo/pop/v6 v6.1.1\n)\n');
  await assert.rejects(detectFormat(fsDirectory(join(pop, 'db', 'migrations'))), (error: Error) => {
    assert.match(
      error.message,
      /its Go module requires pop \(github\.com\/gobuffalo\/pop\) and not golang-migrate: pop runs each file in a transaction of its own/,
    );
    assert.match(error.message, /formats\.md#custom, or `--format golang-migrate` if golang-migrate runs them\.$/);
    return true;
  });
  const both = module(
    'module example.com/app\n\nrequire (\n\tgithub.com/gobuffalo/pop/v6 v6.1.1\n\tgithub.com/golang-migrate/migrate/v4 v4.17.0\n)\n',
  );
  assert.equal((await detectFormat(fsDirectory(join(both, 'db', 'migrations')))).id, 'golang-migrate');
});
