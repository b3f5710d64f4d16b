// A pull request check reports what the pull request does: findings on merged migrations it does
// not change were on the base branch already, and are set aside (not counted), unless a merged
// migration stopped the PR's own from being checked. A merged migration that fails after a goose Go
// migration (which a SQL replay cannot run) is gone past, as the Go migration was.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { repo, sharedServer } from './helpers.ts';

const server = sharedServer();
const inProcess = (args: string[], options: { cwd?: string } = {}) =>
  cliInProcess(args, { server: server(), ...options });
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const goose = (up: string, down?: string) =>
  `-- +goose Up\n${up}\n${down === undefined ? '' : `-- +goose Down\n${down}\n`}`;

const BASE = {
  'db/00001_users.sql': goose('CREATE TABLE users (id bigint PRIMARY KEY);', 'DROP TABLE users;'),
  // Merged without a down: a pairing warning on every check of the directory.
  'db/00002_user_email.sql': goose('ALTER TABLE users ADD COLUMN email text;'),
  // A Go migration: goose runs it from the application's binary; here it would create `things`.
  'db/00003_create_things.go':
    'package migrations\n\nfunc init() { goose.AddMigration(upThings, downThings) }\n// CREATE TABLE things (id bigint)\n',
  'db/00004_things_index.sql': goose('CREATE INDEX things_id ON things (id);', 'DROP INDEX things_id;'),
};
const TEAMS = goose('CREATE TABLE teams (id bigint PRIMARY KEY);', 'DROP TABLE teams;');

async function check(base: Record<string, string>, args: string[]) {
  const dir = repo(base, (d) => writeFileSync(join(d, 'db', '00005_teams.sql'), TEAMS));
  made.push(dir);
  const json = await inProcess(['db', '--base', 'main', '--output', 'json', ...args], { cwd: dir });
  const text = await inProcess(['db', '--base', 'main', '--no-observe', '--no-seed', ...args], { cwd: dir });
  assert.notEqual(json.code, 2, json.stderr);
  const report = JSON.parse(json.stdout) as Report;
  const name = (f: { check: string; file: string | null }) => `${f.check} ${f.file?.split('/').at(-1)}`;
  return {
    code: json.code,
    text: text.stdout,
    report,
    findings: report.findings.map(name),
    suppressed: (report.suppressed ?? []).map((f) => `${name(f)}${f.onBase ? ' (on base)' : ''}`),
  };
}

test("--base: the merged migrations' findings are set aside, the PR's migration is checked past a Go migration", async () => {
  const { code, text, report, findings, suppressed } = await check(BASE, []);
  assert.equal(code, 0, text);
  // The merged migration the replay went past stays told: the PR's was checked without what it does.
  assert.deepEqual(findings, ['partial-replay 00004_things_index.sql']);
  assert.deepEqual(suppressed.sort(), [
    'pairing 00002_user_email.sql (on base)',
    'partial-replay 00003_create_things.go (on base)',
  ]);
  const failedAfter = report.findings.find((f) => f.file?.endsWith('00004_things_index.sql'))!;
  assert.match(
    failedAfter.message,
    /^00004_things_index\.sql fails at line 2: relation "things" does not exist \(SQLSTATE 42P01\)\. It runs after a migration the replay cannot run \(00003_create_things\.go\), and most likely needs what it makes: it is merged, applied up only, so the replay went on without it\.$/,
  );
  assert.equal(report.suppressed![0]!.reason, 'on the base branch already (main): not changed by this pull request');
  // The pull request's own migration got its roundtrip, and the schema diff is what it adds.
  const steps = report.directories[0]!.steps.map((s) => `${s.version} ${s.direction}${s.attempt === 2 ? '2' : ''}`);
  assert.deepEqual(steps.slice(-3), ['00005 up', '00005 down', '00005 up2']);
  assert.deepEqual(Object.keys(report.directories[0]!.schema.summary ?? {}), ['table', 'column', 'constraint']);
  assert.match(report.directories[0]!.schema.summary!.table!.added!.join(), /^public\.teams$/);
  assert.match(
    text,
    /\n2 findings on merged migrations that this pull request does not change are not counted \(pairing 1, partial-replay 1\): they were on the base branch already\. The JSON report lists them; `--scope all` checks and counts them\.\n/,
  );
  assert.doesNotMatch(text, /^suppressed /m);
});

test('--scope all: the merged migrations are checked and counted; the failure after the Go migration says what may cause it', async () => {
  const { code, findings, report } = await check(BASE, ['--scope', 'all']);
  assert.equal(code, 1);
  assert.deepEqual(findings.sort(), [
    'pairing 00002_user_email.sql',
    'partial-replay 00003_create_things.go',
    'sql-error 00004_things_index.sql',
  ]);
  const failing = report.findings.find((f) => f.check === 'sql-error')!;
  assert.match(
    failing.message,
    /: relation "things" does not exist \(SQLSTATE 42P01\)\. It runs after a migration the replay cannot run \(the last: 00003_create_things\.go\): what it makes may be what it needs\. Later steps were skipped\.$/,
  );
});

test("--base: a merged migration that stops the PR's from being checked (no Go migration before it) stands, and so does the rest", async () => {
  const broken = {
    'db/00001_users.sql': BASE['db/00001_users.sql'],
    'db/00002_user_email.sql': BASE['db/00002_user_email.sql'],
    'db/00004_things_index.sql': BASE['db/00004_things_index.sql'],
  };
  const { code, findings, suppressed, report } = await check(broken, []);
  assert.equal(code, 1);
  assert.deepEqual(findings.sort(), ['pairing 00002_user_email.sql', 'sql-error 00004_things_index.sql']);
  assert.deepEqual(suppressed, []);
  assert.deepEqual(report.directories[0]!.notChecked?.[0]?.versions, ['00005']);
});

test('seeded rows that fail a migration run outside a transaction, after part of it committed: fails-on-data, and the replay goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-no-tx-seed-'));
  made.push(dir);
  mkdirSync(join(dir, 'db'));
  const write = (name: string, text: string) => writeFileSync(join(dir, 'db', name), text);
  write('00001_t.sql', goose('CREATE TABLE t (id int, label text);', 'DROP TABLE t;'));
  // The first statement commits on its own; the index cannot be built over two rows or more.
  write(
    '00002_one_row.sql',
    '-- +goose NO TRANSACTION\n' +
      goose(
        'CREATE TABLE side (id int);\nCREATE UNIQUE INDEX t_one ON t ((1));',
        'DROP INDEX t_one;\nDROP TABLE side;',
      ),
  );
  write('00003_u.sql', goose('CREATE TABLE u (id int);', 'DROP TABLE u;'));
  const r = await inProcess(['db', '--output', 'json', '--no-observe'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(
    report.findings.map((f) => `${f.check} ${f.severity} ${f.file}`),
    ['fails-on-data warning db/00002_one_row.sql'],
  );
  assert.match(report.findings[0]!.message, /passes on empty tables but fails when `public\.t` holds duplicates/);
  // What such a failure does to a deploy, and the fix for it.
  assert.match(
    report.findings[0]!.message,
    /outside a transaction, and its statements before the failing one stayed applied: a deploy that fails so is left half-applied/,
  );
  assert.match(
    report.findings[0]!.help!,
    /Make each statement safe to run again \(IF NOT EXISTS, IF EXISTS\), or split the migration/,
  );
  const steps = report.directories[0]!.steps.map(
    (s) => `${s.version} ${s.direction}${s.attempt === 2 ? '2' : ''} ${s.status}`,
  );
  assert.deepEqual(steps, [
    '00001 up ok',
    '00001 down ok',
    '00001 up2 ok',
    '00002 up ok',
    '00002 down ok',
    '00002 up2 ok',
    '00003 up ok',
    '00003 down ok',
    '00003 up2 ok',
  ]);
  // In a transaction the same failure leaves nothing applied, and the finding says nothing of it.
  write(
    '00002_one_row.sql',
    readFileSync(join(dir, 'db', '00002_one_row.sql'), 'utf8').replace('-- +goose NO TRANSACTION\n', ''),
  );
  const inOne = JSON.parse(
    (await inProcess(['db', '--output', 'json', '--no-observe'], { cwd: dir })).stdout,
  ) as Report;
  assert.deepEqual(
    inOne.findings.map((f) => f.check),
    ['fails-on-data'],
  );
  assert.doesNotMatch(inOne.findings[0]!.message, /half-applied/);
});

test("--base: the PR's no-transaction migration failing on seeded rows is retried in a rebuilt database, past the merged failure", async () => {
  const dir = repo(BASE, (d) =>
    writeFileSync(
      join(d, 'db', '00005_one_user.sql'),
      '-- +goose NO TRANSACTION\n' +
        goose(
          'CREATE TABLE side (id int);\nCREATE UNIQUE INDEX users_one ON users ((1));',
          'DROP INDEX users_one;\nDROP TABLE side;',
        ),
    ),
  );
  made.push(dir);
  const r = await inProcess(['db', '--base', 'main', '--output', 'json', '--no-observe'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(
    report.findings.map((f) => `${f.check} ${f.severity} ${f.file}`),
    ['partial-replay warning db/00004_things_index.sql', 'fails-on-data warning db/00005_one_user.sql'],
  );
  const steps = report.directories[0]!.steps.map(
    (s) => `${s.version} ${s.direction}${s.attempt === 2 ? '2' : ''} ${s.status}`,
  );
  assert.deepEqual(steps.slice(-3), ['00005 up ok', '00005 down ok', '00005 up2 ok']);
});

test('--base: a migration added out of order: what the merged ones after it do when they run stands; what their files say alone is set aside', async () => {
  const base = {
    'db/00001_users.sql': BASE['db/00001_users.sql'],
    'db/00003_user_email.sql': goose(
      'ALTER TABLE users ADD COLUMN email text;',
      'ALTER TABLE users DROP COLUMN email;',
    ),
    'db/00004_user_name.sql': goose('ALTER TABLE users ADD COLUMN name text;'),
  };
  const dir = repo(base, (d) =>
    writeFileSync(
      join(d, 'db', '00002_email_first.sql'),
      goose('ALTER TABLE users ADD COLUMN email varchar(320);', 'ALTER TABLE users DROP COLUMN email;'),
    ),
  );
  made.push(dir);
  const r = await inProcess(['db', '--base', 'main', '--output', 'json', '--no-observe', '--no-seed'], { cwd: dir });
  assert.equal(r.code, 1, r.stdout);
  const report = JSON.parse(r.stdout) as Report;
  const name = (f: { check: string; file: string | null }) => `${f.check} ${f.file?.split('/').at(-1)}`;
  // The merged 00003 now fails because of the PR's 00002: the PR's doing, and it stands.
  assert.deepEqual(report.findings.map(name), [
    'version-order 00002_email_first.sql',
    'sql-error 00003_user_email.sql',
  ]);
  assert.match(
    report.findings.find((f) => f.check === 'sql-error')!.message,
    /column "email" of relation "users" already exists/,
  );
  assert.deepEqual((report.suppressed ?? []).map(name), ['pairing 00004_user_name.sql']);
});

test('--base: a pull request that changes no migration is judged on all of them, and goes past none', async () => {
  const dir = repo(BASE, (d) => writeFileSync(join(d, 'README.md'), 'docs only\n'));
  made.push(dir);
  const r = await inProcess(['db', '--base', 'main', '--output', 'json', '--no-observe', '--no-seed'], { cwd: dir });
  const report = JSON.parse(r.stdout) as Report;
  const name = (f: { check: string; file: string | null }) => `${f.check} ${f.file?.split('/').at(-1)}`;
  // Its settings or prerequisites may be why the merged migration fails: a deploy stops there.
  assert.equal(r.code, 1);
  assert.deepEqual(report.findings.map(name).sort(), [
    'pairing 00002_user_email.sql',
    'partial-replay 00003_create_things.go',
    'sql-error 00004_things_index.sql',
  ]);
  assert.equal(report.suppressed, undefined);
});

test('--base: what the PR changed before a merged migration decides: an edit before it keeps its failure an error', async () => {
  // The PR drops a column that merged 00004 (after the Go migration) indexes: its failure is the PR's doing.
  const base = {
    ...BASE,
    'db/00001_users.sql': goose('CREATE TABLE users (id bigint PRIMARY KEY, nickname text);', 'DROP TABLE users;'),
    'db/00004_things_index.sql': goose(
      'CREATE INDEX users_nickname ON users (nickname);',
      'DROP INDEX users_nickname;',
    ),
  };
  const dir = repo(base, (d) =>
    writeFileSync(
      join(d, 'db', '00001_users.sql'),
      goose(
        '-- migrate-check:ignore history-edited reformatted\nCREATE TABLE users (id bigint PRIMARY KEY);',
        'DROP TABLE users;',
      ),
    ),
  );
  made.push(dir);
  const r = await inProcess(['db', '--base', 'main', '--output', 'json', '--no-observe', '--no-seed'], { cwd: dir });
  assert.equal(r.code, 1, r.stdout);
  const report = JSON.parse(r.stdout) as Report;
  const failing = report.findings.find((f) => f.file?.endsWith('00004_things_index.sql'));
  assert.equal(failing?.check, 'sql-error');
  assert.match(failing!.message, /column "nickname" does not exist/);
});

test("--base with --roundtrip all: a stop anywhere leaves the PR's check incomplete, and nothing is set aside", async () => {
  const base = { 'db/00001_users.sql': BASE['db/00001_users.sql'] };
  const dir = repo(base, (d) =>
    writeFileSync(
      join(d, 'db', '00002_orders.sql'),
      goose('CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);', 'SELECT 1;'),
    ),
  );
  made.push(dir);
  const args = ['db', '--base', 'main', '--roundtrip', 'all', '--output', 'json', '--no-observe', '--no-seed'];
  const r = await inProcess(args, { cwd: dir });
  assert.equal(r.code, 1, r.stdout);
  const report = JSON.parse(r.stdout) as Report;
  // The PR's down leaves orders, whose key stops the merged down: that failure is the PR's to see.
  assert.ok(report.findings.some((f) => f.check === 'sql-error' && f.file === 'db/00001_users.sql'));
  assert.equal(report.suppressed, undefined);
});

test("--base, Liquibase: a changeset the PR appends to a changelog that holds merged ones is the PR's", async () => {
  const changelog = (extra: string) =>
    `--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE users (id serial PRIMARY KEY);\n--rollback DROP TABLE users;\n${extra}`;
  const dir = repo({ 'db/changelog.sql': changelog('') }, (d) =>
    writeFileSync(
      join(d, 'db', 'changelog.sql'),
      changelog(
        '\n--changeset bob:2\nALTER TABLE nosuch ADD COLUMN x int;\n--rollback ALTER TABLE nosuch DROP COLUMN x;\n',
      ),
    ),
  );
  made.push(dir);
  const r = await inProcess(['db', '--base', 'main', '--output', 'json', '--no-observe', '--no-seed'], { cwd: dir });
  assert.equal(r.code, 1, r.stdout);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(
    report.findings.map((f) => f.check),
    ['sql-error'],
  );
  assert.match(report.findings[0]!.message, /relation "nosuch" does not exist/);
  assert.equal(report.suppressed, undefined);
});
