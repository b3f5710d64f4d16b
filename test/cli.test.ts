import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, test } from 'node:test';
import type { EmbeddedServer } from '../src/database/embedded.ts';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { cli, FIXTURES, query, repo, ROOT, sharedServer } from './helpers.ts';

// The CLI in this process on one server; `cli` (a real process) where the process is the subject.
const server = sharedServer();
const inProcess = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  cliInProcess(args, { server: server(), ...options });

test('text output: verdict first and last, path:line:col per finding, no colour or progress when piped', async () => {
  const dir = join(FIXTURES, 'golang-migrate/down-leaves-index');
  const { code, stdout, stderr } = await cli([dir, '--no-observe', '--no-seed']);
  assert.equal(code, 1);
  const lines = stdout.trimEnd().split('\n');
  // The up that cannot run again follows from the down that left the index: one error, the other under it.
  assert.equal(lines[0], '✗ Migrations are not safe to merge: 1 error');
  assert.equal(lines.at(-1), lines[0]);
  assert.ok(stdout.includes('0002_add_email_index.down.sql: error down-reverts-up\n'));
  assert.ok(stdout.includes('0002_add_email_index.up.sql:2:1: error up-repeatable\n'));
  assert.doesNotMatch(stdout, /\x1b\[/);
  assert.doesNotMatch(stderr, /\[\d+\/\d+\]/, 'no progress outside a terminal');

  const quiet = await inProcess([dir, '--no-observe', '--no-seed', '--quiet']);
  assert.equal(quiet.code, 1);
  assert.match(quiet.stdout, /^0002_add_email_index {2}1 error\n/);
  assert.ok(quiet.stdout.endsWith('\n\n✗ Migrations are not safe to merge: 1 error\n'));
  assert.doesNotMatch(quiet.stdout, /Postgres 17|already on/);
  assert.equal(quiet.stderr, '');
});

test('JSON report: schema version 1 with migrations, steps, head schema and postgres', async () => {
  const { code, stdout } = await inProcess([join(FIXTURES, 'golang-migrate/clean'), '--output', 'json']);
  assert.equal(code, 0);
  const report = JSON.parse(stdout) as Report;
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.ok, true);
  assert.deepEqual(report.postgres, { version: report.postgres.version, provider: 'embedded' });
  assert.match(report.postgres.version, /^17\./);
  const [dir] = report.directories;
  assert.equal(dir?.format, 'golang-migrate');
  assert.deepEqual(
    dir?.migrations.map((m) => m.version),
    ['0001', '0002', '0010'],
  );
  assert.equal(dir?.steps.length, 9);
  assert.ok(dir?.steps.every((s) => s.status === 'ok' && typeof s.durationMs === 'number'));
  assert.deepEqual(
    dir?.steps.slice(0, 3).map((s) => `${s.direction}${s.attempt}`),
    ['up1', 'down1', 'up2'],
  );
  assert.match(dir?.schema.head ?? '', /^view public\.user_totals$/m);
  assert.match(
    dir?.schema.head ?? '',
    /^column public\.users\.status\n  type public\.user_status\n  not null\n  default 'invited'::public\.user_status$/m,
  );
});

test('--roundtrip all and none', async () => {
  // The classic `up; down -all; up` script: the leaked index is dropped together with its
  // table by 0001's down, so the whole-directory roundtrip cannot see it (per-migration can).
  const allRun = await inProcess([
    join(FIXTURES, 'golang-migrate/down-leaves-index'),
    '--output',
    'json',
    '--roundtrip',
    'all',
    '--no-observe',
  ]);
  const all = JSON.parse(allRun.stdout) as Report;
  assert.deepEqual(
    all.directories[0]?.steps.map((s) => `${s.version}${s.direction}${s.attempt}`),
    ['0001up1', '0002up1', '0002down1', '0001down1', '0001up2', '0002up2'],
  );
  assert.deepEqual(all.findings, []);
  assert.equal(allRun.code, 0);
  const broken = await inProcess([
    join(FIXTURES, 'golang-migrate/down-syntax-error'),
    '--output',
    'json',
    '--roundtrip',
    'all',
    '--no-observe',
  ]);
  assert.equal(broken.code, 1);
  assert.deepEqual(
    (JSON.parse(broken.stdout) as Report).findings.map((f) => f.check),
    ['sql-error'],
  );
  const none = await inProcess([
    join(FIXTURES, 'golang-migrate/down-leaves-index'),
    '--output',
    'json',
    '--roundtrip',
    'none',
  ]);
  assert.equal(none.code, 0);
  assert.deepEqual(
    (JSON.parse(none.stdout) as Report).directories[0]?.steps.map((s) => s.direction),
    ['up', 'up'],
  );
});

test('--fail-on never passes a failing directory; config file settings apply per directory', async () => {
  assert.equal((await inProcess([join(FIXTURES, 'golang-migrate/down-leaves-index'), '--fail-on', 'never'])).code, 0);
  const cwd = mkdtempSync(join(tmpdir(), 'mc-config-'));
  try {
    writeFileSync(
      join(cwd, 'migrate-check.yml'),
      `directories:\n  ${join(FIXTURES, 'golang-migrate/down-leaves-index')}:\n    checks:\n      down-reverts-up: warning\n      up-repeatable: off\n`,
    );
    const { code, stdout } = await inProcess(
      [join(FIXTURES, 'golang-migrate/down-leaves-index'), '--output', 'json', '--no-observe', '--no-seed'],
      { cwd },
    );
    const report = JSON.parse(stdout) as Report;
    assert.deepEqual(
      report.findings.map((f) => `${f.check}:${f.severity}`),
      ['down-reverts-up:warning'],
    );
    assert.equal(code, 0);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('prerequisites run as superuser before the first migration; a failing one is reported in its file', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'mc-prelude-'));
  try {
    mkdirSync(join(cwd, 'db'));
    writeFileSync(
      join(cwd, 'db', '1_docs.up.sql'),
      'CREATE TABLE docs (id int, title text);\nCREATE INDEX docs_title_idx ON docs USING gin (title gin_trgm_ops);\n',
    );
    writeFileSync(join(cwd, 'db', '1_docs.down.sql'), 'DROP TABLE docs;\n');
    writeFileSync(join(cwd, 'ok.sql'), '-- extensions\nCREATE EXTENSION pg_trgm;\n');
    writeFileSync(join(cwd, 'broken.sql'), 'CREATE EXTENSION pg_trgm;\nCREATE SCHEMA app AUTHORISATION nobody;\n');
    const without = await inProcess(['db', '--output', 'json', '--role', 'app'], { cwd });
    assert.match(without.stdout, /operator class \\"gin_trgm_ops\\" does not exist/);
    const ok = await inProcess(['db', '--output', 'json', '--prerequisites', 'ok.sql', '--role', 'app'], { cwd });
    assert.equal(ok.code, 0, ok.stdout);
    const report = JSON.parse(ok.stdout) as Report;
    assert.deepEqual(report.directories[0]!.steps[0], {
      ...report.directories[0]!.steps[0],
      version: 'prerequisites',
      name: 'ok.sql',
      status: 'ok',
    });
    const broken = JSON.parse(
      (await inProcess(['db', '--output', 'json', '--prerequisites', 'broken.sql'], { cwd })).stdout,
    ) as Report;
    assert.equal(broken.findings.length, 1);
    assert.equal(broken.findings[0]!.file, 'broken.sql');
    assert.equal(broken.findings[0]!.line, 2);
    assert.match(
      broken.findings[0]!.message,
      /^The prerequisites file broken\.sql fails at line 2, column 19: syntax error at or near "AUTHORISATION"/,
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a finding suppressed in its migration file moves to `suppressed`, with the reason', async () => {
  const { code, stdout } = await inProcess([join(FIXTURES, 'golang-migrate/suppressed'), '--output', 'json']);
  assert.equal(code, 0);
  const report = JSON.parse(stdout) as Report;
  assert.deepEqual(report.findings, []);
  assert.deepEqual(
    report.suppressed?.map((f) => [f.check, f.file?.split('/').at(-1), f.reason]),
    [
      ['down-reverts-up', '0002_user_status.down.sql', 'the enum stays: other services read it (ADR-7)'],
      ['up-repeatable', '0002_user_status.up.sql', 'same reason: the up is only ever applied once'],
    ],
  );
});

describe('bad input: a clear message, exit 2, never a stack trace', () => {
  const cases: [string, string[], RegExp, (dir: string) => void][] = [
    ['missing directory', ['does/not/exist'], /Migration directory `does\/not\/exist` does not exist/, () => {}],
    [
      'no format matches',
      ['{dir}'],
      /No migration format matched .* set `format`/,
      (d) => writeFileSync(join(d, 'notes.txt'), 'x'),
    ],
    [
      'a folder of one folder per database',
      ['{dir}'],
      /No migration format matched the files of `.*` itself \(4 files\), but its subfolders hold migrations: `.*\/postgres` \(golang-migrate\), `.*\/mysql` \(golang-migrate\)\. Give the folder to check \(e\.g\. `.*\/postgres`\), or several, one per path\./,
      (d) => {
        for (const db of ['mysql', 'postgres']) {
          mkdirSync(join(d, db));
          writeFileSync(join(d, db, '000001_t.up.sql'), 'CREATE TABLE t (id int);');
          writeFileSync(join(d, db, '000001_t.down.sql'), 'DROP TABLE t;');
        }
      },
    ],
    [
      'not UTF-8',
      ['{dir}'],
      /1_a\.up\.sql is not valid UTF-8 \(byte 0xff at offset 7, line 1\)/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), Buffer.from([0x73, 0x65, 0x6c, 0x65, 0x63, 0x74, 0x20, 0xff])),
    ],
    ['unknown flag', ['{dir}', '--frobnicate'], /Unknown option '--frobnicate'.*migrate-check --help/, () => {}],
    [
      'bad postgres version',
      ['{dir}', '--postgres-version', '9'],
      /`postgres-version` is the text "9"; it must be a Postgres major version from 14 to 18/,
      () => {},
    ],
    [
      'a postgres version in hex',
      ['{dir}', '--postgres-version', '0x11'],
      /`postgres-version` is the text "0x11"; it must be a Postgres major version/,
      () => {},
    ],
    [
      'a mistyped flag',
      ['{dir}', '--fail_on', 'error'],
      /Unknown option --fail_on; did you mean --fail-on\? Run migrate-check --help/,
      () => {},
    ],
    [
      'unknown format',
      ['{dir}', '--format', 'rails'],
      /`format` is "rails"; it must be one of auto, golang-migrate/,
      () => {},
    ],
    [
      'bad config file',
      ['{dir}'],
      /migrate-check\.json is not valid JSON/,
      (d) => writeFileSync(join(d, 'migrate-check.json'), '{ nope'),
    ],
    [
      'unreachable server',
      ['{dir}', '--database-url', 'postgres://x@127.0.0.1:1/postgres'],
      /Could not connect to postgres:\/\/x@127\.0\.0\.1:1\/postgres/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), 'select 1'),
    ],
    ['no directory', [], /No migration directory given/, () => {}],
    [
      'missing prerequisites file',
      ['{dir}', '--prerequisites', 'setup/extensions.sql'],
      /Prerequisites file `setup\/extensions\.sql` cannot be read .*relative to the working directory/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), 'select 1'),
    ],
    [
      'two formats fit',
      ['{dir}'],
      /fits more than one migration format: golang-migrate .*; plain .*Set `format`/,
      (d) => (writeFileSync(join(d, '1_a.up.sql'), 'select 1'), writeFileSync(join(d, '2_b.sql'), 'select 1')),
    ],
    [
      'custom without a pattern',
      ['{dir}', '--format', 'custom'],
      /`format: custom` needs a `custom` section/,
      (d) => writeFileSync(join(d, '1_a.sql'), 'select 1'),
    ],
    [
      'custom pattern without groups',
      ['{dir}'],
      /`custom\.pattern` has no named group `version`/,
      (d) =>
        writeFileSync(
          join(d, 'migrate-check.json'),
          JSON.stringify({ format: 'custom', custom: { pattern: '^(\\d+)_.*\\.sql$' } }),
        ),
    ],
    [
      'a setting Postgres refuses',
      ['{dir}', '--setting', 'work_mem=lots'],
      /The setting `work_mem` = "lots" was refused by Postgres: invalid value for parameter "work_mem"/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), 'select 1'),
    ],
    [
      'a malformed --placeholder',
      ['{dir}', '--placeholder', 'schema'],
      /--placeholder "schema" needs the form name=value/,
      () => {},
    ],
    [
      'a suppression without a reason',
      ['{dir}'],
      /1_a\.up\.sql:2: `migrate-check:ignore sql-error` needs a reason after the check id/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), 'select 1;\n-- migrate-check:ignore sql-error\n'),
    ],
    [
      'a suppression of an unknown check',
      ['{dir}'],
      /1_a\.up\.sql:1: `migrate-check:ignore` names unknown check `sql-eror`/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), '-- migrate-check:ignore sql-eror typo\nselect 1;\n'),
    ],
    [
      'a broken drizzle journal',
      ['{dir}'],
      /meta\/_journal\.json is not valid JSON .*merge conflict/,
      (d) => (mkdirSync(join(d, 'meta')), writeFileSync(join(d, 'meta', '_journal.json'), '<<<<<<< HEAD')),
    ],
    [
      'a statement timeout that cancels every statement',
      ['{dir}', '--statement-timeout', '1ms'],
      /`statement-timeout` is "1ms", so every statement would be cancelled .*at least 100ms/,
      () => {},
    ],
    [
      'a statement timeout of 0',
      ['{dir}', '--statement-timeout', '0'],
      /`statement-timeout` is "0", which Postgres reads as no limit at all\. Use at least 100ms/,
      () => {},
    ],
    [
      'a statement timeout that is not a duration',
      ['{dir}', '--statement-timeout', 'abc'],
      /`statement-timeout` is "abc"; write a duration such as 30s/,
      () => {},
    ],
    [
      'a statement timeout above what Postgres accepts',
      ['{dir}', '--statement-timeout', '99999999h'],
      /`statement-timeout` is "99999999h", longer than Postgres accepts: 100ms to 2147483647ms/,
      () => {},
    ],
    [
      'a lock timeout of 0',
      ['{dir}', '--lock-timeout', '0'],
      /`lock-timeout` is "0", which Postgres reads as no limit/,
      () => {},
    ],
    [
      "a setting that is one of migrate-check's own timeouts",
      ['{dir}', '--setting', 'statement_timeout=0'],
      /the setting `statement_timeout` is migrate-check's own statement timeout; set it with `statement-timeout`/,
      () => {},
    ],
    ['an empty --database-url', ['{dir}', '--database-url', ''], /`database-url` is empty/, () => {}],
    [
      'DATABASE_URL that is not a URL',
      ['{dir}', '--env', 'DATABASE_URL=garbage'],
      /DATABASE_URL `<unparseable url>` is not a Postgres URL\. .*or unset DATABASE_URL/,
      () => {},
    ],
    [
      'a config value of the wrong type',
      ['{dir}'],
      /migrate-check\.json: `database-url` is a number \(5\); it must be a string/,
      (d) => writeFileSync(join(d, 'migrate-check.json'), '{"database-url": 5}'),
    ],
    [
      'a list entry of the wrong type',
      ['{dir}'],
      /migrate-check\.json: `prerequisites` entry 2 is a mapping; each entry must be a string/,
      (d) => writeFileSync(join(d, 'migrate-check.json'), '{"prerequisites": ["a.sql", {}]}'),
    ],
    [
      'an empty JSON config',
      ['{dir}'],
      /migrate-check\.json is empty, which is not valid JSON\. Write \{\}/,
      (d) => writeFileSync(join(d, 'migrate-check.json'), ''),
    ],
    [
      'a config file linked to nothing',
      ['{dir}'],
      /The config file migrate-check\.yml in this folder is a symbolic link to `gone\.yml`, which does not exist/,
      (d) => symlinkSync('gone.yml', join(d, 'migrate-check.yml')),
    ],
    [
      'a config file that is not UTF-8',
      ['{dir}'],
      /migrate-check\.yml in this folder is not valid UTF-8 \(line 2\)/,
      (d) => writeFileSync(join(d, 'migrate-check.yml'), Buffer.from('format: goose\nfail-on: \xff\n', 'latin1')),
    ],
    [
      'a mistyped check id',
      ['{dir}'],
      /unknown check `down_reverts_up` under `checks`; did you mean `down-reverts-up`\?/,
      (d) => writeFileSync(join(d, 'migrate-check.yml'), 'checks:\n  down_reverts_up: off\n'),
    ],
    [
      'a mistyped config key',
      ['{dir}'],
      /Unknown key `fail_on` in migrate-check\.yml; did you mean `fail-on`\?/,
      (d) => writeFileSync(join(d, 'migrate-check.yml'), 'fail_on: warning\n'),
    ],
    [
      'a mistyped key per directory',
      ['{dir}'],
      /Unknown key `formt` in migrate-check\.yml \(directories\.db\); did you mean `format`\?/,
      (d) => writeFileSync(join(d, 'migrate-check.yml'), 'directories:\n  db:\n    formt: goose\n'),
    ],
    [
      'a top-level key per directory',
      ['{dir}'],
      /`database` cannot be set per directory, in migrate-check\.yml \(directories\.db\): did you mean the top level/,
      (d) => writeFileSync(join(d, 'migrate-check.yml'), 'directories:\n  db:\n    database: url\n'),
    ],
    ['--config naming a folder', ['{dir}', '--config', '{dir}'], /Config file `.*` is a folder, not a file/, () => {}],
    [
      '--config naming a FIFO (never opened)',
      ['{dir}', '--config', 'pipe.yml'],
      /Config file `pipe\.yml` is a FIFO \(named pipe\), not a file/,
      (d) => execFileSync('mkfifo', [join(d, 'pipe.yml')]),
    ],
    [
      '--config /dev/null is an empty config',
      ['missing', '--config', '/dev/null'],
      /Migration directory `missing` does not exist/,
      () => {},
    ],
    [
      '--config with an absolute path',
      ['missing', '--config', '{dir}/c.json'],
      /Unknown key `fromat` in c\.json|Unknown key `fromat` in .*c\.json; did you mean `format`/,
      (d) => writeFileSync(join(d, 'c.json'), '{"fromat": "goose"}'),
    ],
    [
      'a migration linked to a file outside the folder',
      ['{dir}'],
      /`.*\/0001_x\.up\.sql` is a symbolic link to \/etc\/passwd, outside the migration folder: replace the link/,
      (d) => symlinkSync('/etc/passwd', join(d, '0001_x.up.sql')),
    ],
    [
      'a FIFO named like a migration (never opened)',
      ['{dir}'],
      /0001_x\.up\.sql` is a FIFO \(named pipe\)/,
      (d) => (writeFileSync(join(d, '0001_x.down.sql'), ''), execFileSync('mkfifo', [join(d, '0001_x.up.sql')])),
    ],
    [
      'a folder named like a migration',
      ['{dir}'],
      /0001_x\.up\.sql` is an empty folder: remove it, or put the migration file in its place/,
      (d) => (writeFileSync(join(d, '0001_x.down.sql'), 'select 1;'), mkdirSync(join(d, '0001_x.up.sql'))),
    ],
    [
      'a NUL byte',
      ['{dir}'],
      /1_a\.up\.sql` contains a NUL byte \(0x00\) at line 2\. Postgres cannot take NUL/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), 'select 1;\nselect \0;\n'),
    ],
    [
      'a psql meta-command',
      ['{dir}'],
      /1_a\.up\.sql:2 starts with the psql meta-command `\\set`/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), 'select 1;\n\\set x 1\n'),
    ],
    [
      '--output-file naming a folder',
      ['{dir}', '--output-file', '{dir}'],
      /--output-file .* cannot be written: it is a folder; name a file such as report\.json/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), 'select 1'),
    ],
    [
      '--output-file in a missing folder',
      ['{dir}', '--output-file', 'out/r.json'],
      /--output-file out\/r\.json cannot be written: its folder `.*out` does not exist; create it first/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), 'select 1'),
    ],
    [
      'TMPDIR missing',
      ['{dir}', '--env', 'TMPDIR={dir}/missing'],
      /The temporary folder \S*\/missing \(from TMPDIR\) does not exist or is not a folder\. Set TMPDIR to an existing folder/,
      (d) => writeFileSync(join(d, '1_a.up.sql'), 'select 1'),
    ],
  ];
  for (const [name, args, message, setup] of cases) {
    test(name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mc-bad-'));
      try {
        mkdirSync(dir, { recursive: true });
        setup(dir);
        const fill = (a: string) => a.replace('{dir}', dir);
        const env = Object.fromEntries(args.filter((_, i) => args[i - 1] === '--env').map((a) => fill(a).split('=')));
        const argv = args.filter((a, i) => a !== '--env' && args[i - 1] !== '--env').map(fill);
        // A real process where a wrongly opened FIFO would block, and for TMPDIR (read from the process).
        const real = /FIFO|TMPDIR/.test(name);
        const { code, stdout, stderr } = await (real
          ? cli(argv, { cwd: dir, env })
          : inProcess(argv, { cwd: dir, env }));
        assert.equal(code, 2, stdout + stderr);
        assert.match(stderr, message);
        assert.doesNotMatch(stderr, /\n\s+at /, 'a stack trace was printed');
        assert.doesNotMatch(stderr, /a bug in migrate-check/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("--database-url: a server of the user's own", () => {
  // The file's shared server stands in for the user's own.
  let own: EmbeddedServer;
  before(() => {
    own = server();
  });

  test('gives the same verdicts and leaves no scratch database behind', async () => {
    const { code, stdout } = await cli([
      join(FIXTURES, 'golang-migrate/down-leaves-index'),
      '--output',
      'json',
      '--database-url',
      own.url,
    ]);
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as Report;
    assert.equal(report.postgres.provider, 'url');
    // Observed and seeded on the user's server too (the run role may read its own backend's locks).
    assert.deepEqual([...new Set(report.findings.map((f) => f.check))].sort(), [
      'blocking-lock',
      'down-reverts-up',
      'fails-on-data',
      'up-repeatable',
    ]);
    const left = await query<{ datname: string }>(
      own.url,
      "SELECT datname FROM pg_database WHERE datname LIKE 'migrate_check%'",
    );
    assert.deepEqual(left, []);
    const tables = await query(own.url, "SELECT relname FROM pg_class WHERE relname IN ('users', 'schema_migrations')");
    assert.deepEqual(tables, [], 'migrations ran in the database the URL names');
  });

  test('DATABASE_URL is honoured, and Ctrl-C drops the scratch database', async () => {
    const { code } = await cli([join(FIXTURES, 'golang-migrate/clean')], { env: { DATABASE_URL: own.url } });
    assert.equal(code, 0);
    const { spawn } = await import('node:child_process');
    const slow = mkdtempSync(join(tmpdir(), 'mc-slow-'));
    writeFileSync(join(slow, '1_slow.up.sql'), 'SELECT pg_sleep(30);');
    const child = spawn(process.execPath, ['dist/cli.cjs', slow, '--database-url', own.url], { stdio: 'ignore' });
    let seen = false;
    for (let i = 0; i < 100 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = (await query(own.url, "SELECT 1 FROM pg_database WHERE datname LIKE 'migrate_check%'")).length > 0;
    }
    assert.ok(seen, 'the run never created its scratch database');
    child.kill('SIGINT');
    const exit = await new Promise((r) => child.on('exit', r));
    assert.equal(exit, 130);
    assert.deepEqual(await query(own.url, "SELECT datname FROM pg_database WHERE datname LIKE 'migrate_check%'"), []);
    rmSync(slow, { recursive: true, force: true });
  });
});

test('adopting on an old history: a failure in a migration already on main says so and suggests --base', async () => {
  const dir = repo(
    {
      'db/0001_users.up.sql': 'CREATE TABLE users (id int);\n',
      'db/0001_users.down.sql': 'SELECT 1;\n', // an old, broken down
    },
    (d) => {
      writeFileSync(join(d, 'db', '0002_orders.up.sql'), 'CREATE TABLE orders (id int);\n');
      writeFileSync(join(d, 'db', '0002_orders.down.sql'), 'DROP TABLE orders;\n');
    },
  );
  try {
    const run = await inProcess(['db'], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      /db\/0001_users\.down\.sql is already on main: the failure may be an old one\. To check only what this branch adds, run with --base main/,
    );
    const withBase = await inProcess(['db', '--base', 'main'], { cwd: dir });
    assert.equal(withBase.code, 0, withBase.stdout);
    assert.doesNotMatch(withBase.stdout, /already on/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // A failure in a migration the branch adds is no old one: no hint.
  const added = repo({ 'db/0001_users.up.sql': 'CREATE TABLE users (id int);\n' }, (d) => {
    writeFileSync(join(d, 'db', '0001_users.down.sql'), 'DROP TABLE users;\n');
    writeFileSync(join(d, 'db', '0002_orders.up.sql'), 'CREATE TABLE orders (id int);\n');
    writeFileSync(join(d, 'db', '0002_orders.down.sql'), 'SELECT 1;\n');
  });
  try {
    const run = await inProcess(['db'], { cwd: added });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /0002_orders\.down\.sql/);
    assert.doesNotMatch(run.stdout, /already on/);
  } finally {
    rmSync(added, { recursive: true, force: true });
  }
});

test('a syntax error on a server older than the newest Postgres says which version ran it, and how to check on a newer one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-newer-syntax-'));
  try {
    writeFileSync(join(dir, '0001_t.up.sql'), 'CREATE TABLE t (id int, a int);\n');
    writeFileSync(join(dir, '0001_t.down.sql'), 'DROP TABLE t;\n');
    // A named NOT NULL constraint: Postgres 18 syntax, as Lemmy's migrations have it.
    writeFileSync(join(dir, '0002_a.up.sql'), 'ALTER TABLE t\n    ADD CONSTRAINT t_a_not_null NOT NULL a;\n');
    writeFileSync(join(dir, '0002_a.down.sql'), 'ALTER TABLE t DROP CONSTRAINT t_a_not_null;\n');
    const r = await inProcess([dir, '--output', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const [failing] = report.findings.filter((f) => f.check === 'sql-error');
    assert.match(
      failing!.message,
      /^up of 0002_a fails at line 2, column \d+: syntax error at or near "NOT" \(SQLSTATE 42601\)/,
    );
    assert.equal(
      failing!.help,
      'Fix the statement at line 2 so that it runs on a database migrated up to the previous version. ' +
        `It ran on Postgres ${report.postgres.version}: if the statement is valid in a later version that ` +
        'production runs, check with `--postgres-version 18`.',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run left waiting for something that can no longer happen exits 2 and says so: never a silent pass', () => {
  // A connection that never answers and holds nothing open (what a lost child's exit, unreferenced,
  // is): the process runs out of work before the run settles.
  const dir = mkdtempSync(join(tmpdir(), 'mc-unsettled-'));
  const hang = join(dir, 'hang.mjs');
  writeFileSync(
    hang,
    `import { createRequire } from 'node:module';\n` +
      `const pg = createRequire(${JSON.stringify(join(ROOT, 'package.json'))})('pg');\n` +
      'pg.Client.prototype.connect = () => new Promise(() => {});\n',
  );
  const run = (entry: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--import', pathToFileURL(hang).href, join(ROOT, 'src', entry), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
  const clean = join(FIXTURES, 'golang-migrate', 'clean');
  const unreachable = 'postgres://127.0.0.1:1/none';
  try {
    const r = run('cli-main.ts', [clean, '--database-url', unreachable]);
    assert.equal(r.status, 2, `${r.stdout}${r.stderr}`);
    assert.match(
      r.stderr,
      /^migrate-check: the run ended before it reached a verdict: it was waiting for something that can no longer happen\. This is a bug in migrate-check;/m,
    );
    assert.match(r.stderr, /No verdict was reached; run the check again\.\n$/);
    // The Action fails its job, with an error annotation saying the same.
    const a = run('action-main.ts', [], {
      INPUT_PATH: clean,
      'INPUT_DATABASE-URL': unreachable,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_STEP_SUMMARY: '',
    });
    assert.equal(a.status, 2, `${a.stdout}${a.stderr}`);
    assert.match(a.stdout, /^::error::migrate-check: the run ended before it reached a verdict: /m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
