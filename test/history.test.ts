import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { repo, sharedServer } from './helpers.ts';

const server = sharedServer();
const inProcess = (args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  cliInProcess(args, { server: server(), ...options });

const BASE = {
  'db/0001_create_users.up.sql': 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n',
  'db/0001_create_users.down.sql': 'DROP TABLE users;\n',
  'db/0002_add_nickname.up.sql': 'ALTER TABLE users ADD COLUMN nickname text;\n',
  'db/0002_add_nickname.down.sql': 'ALTER TABLE users DROP COLUMN nickname;\n',
  'db/0005_teams.up.sql': 'CREATE TABLE teams (id bigserial PRIMARY KEY);\n',
  'db/0005_teams.down.sql': 'DROP TABLE teams;\n',
};

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function check(pr: (dir: string) => void, args: string[] = []) {
  const dir = repo(BASE, pr);
  made.push(dir);
  const { code, stdout, stderr } = await inProcess(['db', '--base', 'main', '--output', 'json', ...args], { cwd: dir });
  assert.notEqual(code, 2, stderr);
  const report = JSON.parse(stdout) as Report;
  return {
    code,
    report,
    findings: report.findings.map((f) => `${f.check} ${f.file?.split('/').at(-1)}`),
    statuses: Object.fromEntries(report.directories[0]!.migrations.map((m) => [`${m.version}_${m.name}`, m.status])),
  };
}

const write = (dir: string, file: string, text: string) => writeFileSync(join(dir, 'db', file), text);

describe('--base: history and hygiene against the base branch (git)', () => {
  test('a PR that adds one migration: it alone gets the roundtrip; everything else is unchanged', async () => {
    const { code, findings, statuses, report } = await check((d) => {
      write(d, '0006_add_team_id.up.sql', 'ALTER TABLE users ADD COLUMN team_id bigint REFERENCES teams (id);\n');
      write(d, '0006_add_team_id.down.sql', 'ALTER TABLE users DROP COLUMN team_id;\n');
    });
    assert.deepEqual([code, findings], [0, []]);
    assert.deepEqual(statuses, {
      '0001_create_users': 'unchanged',
      '0002_add_nickname': 'unchanged',
      '0005_teams': 'unchanged',
      '0006_add_team_id': 'new',
    });
    const steps = report.directories[0]!.steps.map((s) => `${s.version} ${s.direction}${s.attempt === 2 ? '2' : ''}`);
    assert.deepEqual(steps, ['0001 up', '0002 up', '0005 up', '0006 up', '0006 down', '0006 up2']);
    assert.equal(report.directories[0]!.base?.ref, 'main');
    // The base schema is the one just before the new migration: the diff is what the PR adds.
    const schema = report.directories[0]!.schema;
    assert.deepEqual(schema.summary, {
      column: { added: ['public.users.team_id'], removed: [], changed: [] },
      constraint: { added: ['public.users.users_team_id_fkey'], removed: [], changed: [] },
      table: { added: [], removed: [], changed: ['public.users'] },
    });
    assert.match(schema.diff!, /^--- base\n\+\+\+ head\n@@ [^]*\+column public\.users\.team_id\n\+  type bigint/);
    // Per new migration, the objects it changes.
    assert.deepEqual(report.directories[0]!.migrations.find((m) => m.status === 'new')?.changes?.column, {
      added: ['public.users.team_id'],
      removed: [],
      changed: [],
    });
  });

  test('no change: the base and head schemas are identical and the diff is empty', async () => {
    const { report } = await check(() => {});
    const schema = report.directories[0]!.schema;
    assert.equal(schema.base, schema.head);
    assert.deepEqual([schema.diff, schema.summary], ['', {}]);
  });

  test('--scope all roundtrips every migration', async () => {
    const { report } = await check(() => {}, ['--scope', 'all']);
    assert.equal(report.directories[0]!.steps.length, 9);
  });

  test('an edited migration: history-edited with a diff, and it is roundtripped', async () => {
    const { code, findings, statuses, report } = await check((d) =>
      write(d, '0002_add_nickname.up.sql', 'ALTER TABLE users ADD COLUMN nickname varchar(40);\n'),
    );
    assert.equal(code, 1);
    assert.deepEqual(findings, ['history-edited 0002_add_nickname.up.sql']);
    assert.equal(statuses['0002_add_nickname'], 'modified');
    assert.match(
      report.findings[0]!.message,
      /already exists on main and was edited[^]*-ALTER TABLE users ADD COLUMN nickname text;\n\+ALTER TABLE users ADD COLUMN nickname varchar\(40\);/,
    );
    assert.ok(report.directories[0]!.steps.some((s) => s.version === '0002' && s.direction === 'down'));
    // An edited base migration: the base is replayed on its own to diff against.
    assert.deepEqual(report.directories[0]!.schema.summary, {
      column: { added: [], removed: [], changed: ['public.users.nickname'] },
    });
  });

  test('line endings only: reported as such', async () => {
    const { findings, report } = await check((d) => write(d, '0001_create_users.down.sql', 'DROP TABLE users;\r\n'));
    assert.deepEqual(findings, ['history-edited 0001_create_users.down.sql']);
    assert.match(report.findings[0]!.message, /only its line endings changed \(CRLF ↔ LF\)/);
  });

  test('a renamed migration', async () => {
    const { findings, statuses, report } = await check((d) => {
      execFileSync('git', ['mv', 'db/0005_teams.up.sql', 'db/0007_teams.up.sql'], { cwd: d });
      execFileSync('git', ['mv', 'db/0005_teams.down.sql', 'db/0007_teams.down.sql'], { cwd: d });
    });
    assert.deepEqual(findings, ['history-edited 0007_teams.up.sql']);
    assert.equal(statuses['0007_teams'], 'renamed');
    assert.match(
      report.findings[0]!.message,
      /0005_teams\.up\.sql and 0005_teams\.down\.sql on main was renamed to 0007_teams\.up\.sql and 0007_teams\.down\.sql/,
    );
  });

  test('a deleted migration', async () => {
    const { findings, report } = await check((d) => {
      unlinkSync(join(d, 'db', '0005_teams.up.sql'));
      unlinkSync(join(d, 'db', '0005_teams.down.sql'));
    });
    assert.deepEqual(findings, ['history-edited 0005_teams.up.sql']);
    assert.equal(report.directories[0]!.migrations.find((m) => m.version === '0005')?.status, 'deleted');
    assert.match(
      report.findings[0]!.message,
      /exists on main but was deleted: databases that applied it keep its changes/,
    );
  });

  test('a new migration numbered below the newest base migration: version-order', async () => {
    const { code, findings, statuses, report } = await check((d) => {
      write(d, '0003_add_bio.up.sql', 'ALTER TABLE users ADD COLUMN bio text;\n');
      write(d, '0003_add_bio.down.sql', 'ALTER TABLE users DROP COLUMN bio;\n');
    });
    assert.equal(code, 1);
    assert.deepEqual(findings, ['version-order 0003_add_bio.up.sql']);
    assert.equal(statuses['0003_add_bio'], 'new');
    assert.match(
      report.findings[0]!.message,
      /0003_add_bio\.up\.sql is new, but version 0003 sorts before 0005_teams\.up\.sql \(version 0005\), which is already on main/,
    );
  });

  test('a duplicate version, an ignored name, a missing down and an orphan down in one PR', async () => {
    const { findings } = await check((d) => {
      write(d, '005_more_teams.up.sql', 'CREATE TABLE more_teams (id int);\n');
      write(d, '0006-add-index.up.sql', 'CREATE INDEX ON users (email);\n');
      write(d, '0007_no_down.up.sql', 'ALTER TABLE users ADD COLUMN x int;\n');
      write(d, '0008_orphan.down.sql', 'DROP INDEX whatever;\n');
    });
    assert.deepEqual(findings.sort(), [
      'duplicate-version 005_more_teams.up.sql',
      'naming 0006-add-index.up.sql',
      'pairing 0007_no_down.up.sql',
      'pairing 0008_orphan.down.sql',
    ]);
  });

  test('a base that cannot be found: a notice, and the other checks still run', async () => {
    const dir = repo(BASE, () => {});
    made.push(dir);
    const { code, stdout } = await inProcess(['db', '--base', 'no-such-branch', '--output', 'json'], { cwd: dir });
    const report = JSON.parse(stdout) as Report;
    assert.equal(code, 0);
    assert.equal(report.findings[0]?.severity, 'notice');
    assert.match(
      report.findings[0]!.message,
      /The history checks did not run for db: the base `no-such-branch` is not in this clone and could not be fetched/,
    );
    assert.equal(report.directories[0]!.steps.length, 9, 'without a base, everything is roundtripped');
  });

  test('outside a git repository, --base says so and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-nogit-'));
    made.push(dir);
    mkdirSync(join(dir, 'db'));
    writeFileSync(join(dir, 'db', '1_a.up.sql'), 'select 1;');
    const { code, stderr } = await inProcess(['db', '--base', 'main'], { cwd: dir });
    assert.equal(code, 2);
    assert.match(stderr, /`--base main` needs a git repository, and .* is not inside one/);
  });
});

describe('migrate-check.sum and atlas.sum: edited history without a base ref', () => {
  test('`migrate-check hash` writes the sum; the check then finds an edit, a line-ending change, a new file and a stale entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-sum-'));
    made.push(dir);
    mkdirSync(join(dir, 'db'));
    for (const [file, text] of Object.entries(BASE)) writeFileSync(join(dir, file), text);
    const hashed = await inProcess(['hash', 'db'], { cwd: dir });
    assert.equal(hashed.code, 0, hashed.stderr);
    assert.equal(hashed.stdout, 'wrote db/migrate-check.sum (6 files, golang-migrate)\n');
    const clean = await inProcess(['db', '--output', 'json'], { cwd: dir });
    assert.deepEqual((JSON.parse(clean.stdout) as Report).findings, []);
    // The same folder committed as the base branch, then a PR that changes it without re-hashing.
    const base = Object.fromEntries(
      Object.keys(BASE)
        .concat('db/migrate-check.sum')
        .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );
    const git = repo(base, (d) => {
      write(d, '0002_add_nickname.up.sql', 'ALTER TABLE users ADD COLUMN nickname varchar(40);\n');
      write(d, '0001_create_users.down.sql', 'DROP TABLE users;\r\n');
      write(d, '0006_more.up.sql', 'SELECT 1;\n');
      write(d, '0006_more.down.sql', 'SELECT 1;\n');
      unlinkSync(join(d, 'db', '0005_teams.down.sql'));
    });
    made.push(git);
    const { code, stdout } = await inProcess(['db', '--base', 'main', '--output', 'json'], { cwd: git });
    const report = JSON.parse(stdout) as Report;
    assert.equal(code, 1);
    const sum = report.findings
      .filter((f) => f.check === 'sum-file')
      .map((f) => `${f.file?.split('/').at(-1)}: ${f.message.split(':')[0]}`);
    assert.deepEqual(sum.sort(), [
      '0001_create_users.down.sql: 0001_create_users.down.sql differs from its checksum in migrate-check.sum only in line endings (CRLF ↔ LF).',
      '0002_add_nickname.up.sql: 0002_add_nickname.up.sql differs from its checksum in migrate-check.sum',
      '0006_more.down.sql: 0006_more.down.sql is not in migrate-check.sum',
      '0006_more.up.sql: 0006_more.up.sql is not in migrate-check.sum',
      'migrate-check.sum: migrate-check.sum lists 0005_teams.down.sql, which is no longer a migration in this folder (deleted or renamed).',
    ]);
    // The same edits, seen against the base branch.
    assert.deepEqual(
      report.findings
        .filter((f) => f.check === 'history-edited')
        .map((f) => f.file?.split('/').at(-1))
        .sort(),
      ['0001_create_users.down.sql', '0002_add_nickname.up.sql', '0005_teams.down.sql'],
    );
  });

  test('an atlas.sum that no longer matches names the first file that differs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-atlas-'));
    made.push(dir);
    mkdirSync(join(dir, 'db'));
    write(dir, '1_initial.up.sql', 'CREATE TABLE t (id INT);\n');
    // The atlas.sum Atlas writes for a folder holding only `1_initial.up.sql` with other content.
    writeFileSync(
      join(dir, 'db', 'atlas.sum'),
      'h1:RwlBQllTgRiQ5aUj9/rR1G0CguPI2caCrrSf7y+LbzA=\n1_initial.up.sql h1:7PYyx3jJKyr9v/6Ta0xuXTz4HqAKDLjXxLWjRtnDhWA=\n',
    );
    const { code, stdout } = await inProcess(['db', '--output', 'json'], { cwd: dir });
    const report = JSON.parse(stdout) as Report;
    assert.equal(code, 1);
    assert.deepEqual(
      report.findings.map((f) => `sum-file ${f.file?.split('/').at(-1)}`),
      ['sum-file 1_initial.up.sql'],
    );
    assert.match(
      report.findings[0]!.message,
      /atlas\.sum does not match the migration files from 1_initial\.up\.sql on: Atlas refuses to run with "checksum mismatch"/,
    );
  });
});

test('--base in a shallow clone: the base commit alone is fetched from origin', async () => {
  const origin = repo(BASE, (d) =>
    write(d, '0002_add_nickname.up.sql', 'ALTER TABLE users ADD COLUMN nickname varchar(40);\n'),
  );
  made.push(origin);
  const clone = mkdtempSync(join(tmpdir(), 'mc-shallow-'));
  made.push(clone);
  execFileSync('git', ['clone', '-q', '--depth=1', '--branch', 'pr', `file://${origin}`, clone], { stdio: 'pipe' });
  assert.throws(
    () => execFileSync('git', ['rev-parse', '--verify', 'HEAD~1'], { cwd: clone, stdio: 'pipe' }),
    'the clone is shallow',
  );
  const { code, stdout, stderr } = await inProcess(['db', '--base', 'main', '--output', 'json'], { cwd: clone });
  assert.equal(code, 1, stderr);
  const report = JSON.parse(stdout) as Report;
  assert.deepEqual(
    report.findings.map((f) => `${f.check} ${f.file?.split('/').at(-1)}`),
    ['history-edited 0002_add_nickname.up.sql'],
  );
});

test("naming conventions (opt-in) apply to the PR's new migrations only: merged names cannot change", async () => {
  const dir = repo(
    {
      ...BASE,
      'migrate-check.yml': 'naming-conventions:\n  snake-case: true\n  verb-prefix: true\n  version-width: 4\n',
    },
    (d) => {
      write(d, '0006_Teams-Index.up.sql', 'CREATE INDEX ON teams (id);\n');
      write(d, '0006_Teams-Index.down.sql', 'SELECT 1;\n');
      write(d, '00007_add_bio.up.sql', 'ALTER TABLE users ADD COLUMN bio text;\n');
      write(d, '00007_add_bio.down.sql', 'ALTER TABLE users DROP COLUMN bio;\n');
    },
  );
  made.push(dir);
  const { stdout } = await inProcess(['db', '--base', 'main', '--output', 'json'], { cwd: dir });
  const report = JSON.parse(stdout) as Report;
  const naming = report.findings
    .filter((f) => f.check === 'naming')
    .map((f) => f.message)
    .sort();
  assert.deepEqual(naming, [
    '00007_add_bio.up.sql breaks the naming conventions in your config: its version has 5 digits instead of 4.',
    '0006_Teams-Index.up.sql breaks the naming conventions in your config: its name is not lower-case snake_case; its name does not start with one of add_, alter_, drop_, create_, create_index_, rename_, remove_, update_, backfill_.',
  ]);
});

test('--output markdown prints the PR comment; --output-file writes the JSON report beside the text output', async () => {
  const dir = repo(BASE, (d) => {
    write(d, '0006_add_team_id.up.sql', 'ALTER TABLE users ADD COLUMN team_id bigint REFERENCES teams (id);\n');
    write(d, '0006_add_team_id.down.sql', 'SELECT 1;\n');
  });
  made.push(dir);
  const md = await inProcess(['db', '--base', 'main', '--output', 'markdown'], {
    cwd: dir,
    env: { GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: 'deadbeef' },
  });
  assert.equal(md.code, 1);
  // The up that cannot run again follows from the down that left its column: one error, the other under it.
  assert.match(md.stdout, /^<!-- migrate-check:[0-9a-f]{12} -->\n### ❌ Migrations are not safe to merge: 1 error\n/);
  assert.match(
    md.stdout,
    /down-reverts-up[^]*ALTER TABLE public\.users DROP COLUMN team_id;[^]*Follows from[^]*up-repeatable/,
  );
  assert.ok(
    md.stdout.includes(
      '[`db/0006_add_team_id.down.sql`](https://github.com/acme/shop/blob/deadbeef/db/0006_add_team_id.down.sql)',
    ),
  );
  assert.match(
    md.stdout,
    /#### Schema changes in `db` \(base → this PR\)\n\n- \*\*columns\*\*: 1 added \(`public\.users\.team_id`\)/,
  );
  assert.match(
    md.stdout,
    /<summary>Objects each new migration changes<\/summary>\n\n\*\*`0006_add_team_id`\*\*\n\n- \*\*columns\*\*: 1 added/,
  );
  const text = await inProcess(['db', '--base', 'main', '--output-file', 'report.json'], { cwd: dir });
  assert.match(text.stdout, /^✗ Migrations are not safe to merge/);
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
  assert.equal(report.findings[0]?.check, 'down-reverts-up');
});

test('--output github: the text report, annotations on the right file and line, and the job summary', async () => {
  const dir = repo(BASE, (d) =>
    write(
      d,
      '0002_add_nickname.down.sql',
      'ALTER TABLE users DROP COLUMN nickname;\nALTER TABLE users DROPP COLUMN x;\n',
    ),
  );
  made.push(dir);
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const { code, stdout } = await inProcess(['db', '--base', 'main', '--output', 'github', '--scope', 'all'], {
    cwd: dir,
    env: { GITHUB_STEP_SUMMARY: summary },
  });
  assert.equal(code, 1);
  assert.match(stdout, /^✗ Migrations are not safe to merge/);
  assert.match(
    stdout,
    /^::error file=db\/0002_add_nickname\.down\.sql,line=2,title=migrate-check sql-error::down of 0002_add_nickname fails at line 2, column 19: syntax error at or near "DROPP"/m,
  );
  assert.match(stdout, /^::error file=db\/0002_add_nickname\.down\.sql,title=migrate-check history-edited::/m);
  assert.match(
    readFileSync(summary, 'utf8'),
    /^<!-- migrate-check:[0-9a-f]{12} -->\n### ❌ Migrations are not safe to merge: 2 errors\n/,
  );
});

describe('drizzle: the pending migrations of a deploy run in one transaction', () => {
  const journal = (tags: [string, number][]) =>
    JSON.stringify({
      version: '7',
      dialect: 'postgresql',
      entries: tags.map(([tag, when], idx) => ({ idx, version: '7', when, tag, breakpoints: true })),
    });
  const DRIZZLE = {
    'db/0000_init_items.sql': `CREATE TYPE "status" AS ENUM('active');--> statement-breakpoint\nCREATE TABLE "items" ("id" serial PRIMARY KEY, "status" "status" DEFAULT 'active' NOT NULL);\n`,
    'db/meta/_journal.json': journal([['0000_init_items', 1735689600000]]),
  };

  test('a new enum value and its first use in the same deploy: the transaction check says only the deploy fails', async () => {
    const dir = repo(DRIZZLE, (d) => {
      writeFileSync(join(d, 'db', '0001_add_archived.sql'), `ALTER TYPE "status" ADD VALUE 'archived';\n`);
      writeFileSync(
        join(d, 'db', '0002_default_archived.sql'),
        `ALTER TABLE "items" ALTER COLUMN "status" SET DEFAULT 'archived';\n`,
      );
      writeFileSync(
        join(d, 'db', 'meta', '_journal.json'),
        journal([
          ['0000_init_items', 1735689600000],
          ['0001_add_archived', 1735776000000],
          ['0002_default_archived', 1735862400000],
        ]),
      );
    });
    made.push(dir);
    const { code, stdout } = await inProcess(['db', '--base', 'main', '--output', 'json'], { cwd: dir });
    const report = JSON.parse(stdout) as Report;
    assert.equal(code, 1);
    assert.deepEqual(
      report.findings.map((f) => `${f.check} ${f.file}`),
      ['transaction db/0002_default_archived.sql'],
    );
    assert.match(
      report.findings[0]!.message,
      /fails when the migrator applies the pending migrations 0001, 0002 together in one transaction, as a deploy does: unsafe use of new value "archived"/,
    );
    assert.match(report.findings[0]!.help, /add the value in one deploy and use it in a later one/);
  });

  test('a journal entry whose file the base branch lacks: the PR that adds the file adds a new migration', async () => {
    const dir = repo(
      {
        ...DRIZZLE,
        'db/meta/_journal.json': journal([
          ['0000_init_items', 1735689600000],
          ['0001_nickname', 1735776000000],
        ]),
      },
      (d) => writeFileSync(join(d, 'db', '0001_nickname.sql'), `ALTER TABLE "items" ADD COLUMN "nickname" text;\n`),
    );
    made.push(dir);
    const { code, stdout, stderr } = await inProcess(['db', '--base', 'main', '--output', 'json'], { cwd: dir });
    assert.equal(code, 0, stderr + stdout);
    const report = JSON.parse(stdout) as Report;
    assert.deepEqual(report.findings, []);
    assert.deepEqual(
      report.directories[0]!.migrations.map((m) => `${m.version} ${m.status}`),
      ['0000 unchanged', '0001 new'],
    );
  });

  test('a migration generated before the last merged one is skipped by the migrator: a naming error', async () => {
    const dir = repo(DRIZZLE, (d) => {
      writeFileSync(join(d, 'db', '0001_nickname.sql'), `ALTER TABLE "items" ADD COLUMN "nickname" text;\n`);
      writeFileSync(
        join(d, 'db', 'meta', '_journal.json'),
        journal([
          ['0000_init_items', 1735689600000],
          ['0001_nickname', 1735600000000],
        ]),
      );
    });
    made.push(dir);
    const { code, stdout } = await inProcess(['db', '--base', 'main', '--output', 'json'], { cwd: dir });
    const report = JSON.parse(stdout) as Report;
    assert.equal(code, 1);
    assert.match(
      report.findings.find((f) => f.check === 'naming')!.message,
      /so it skips 0001_nickname on every database already migrated to 0000/,
    );
  });
});

describe("Flyway's repeatable migrations against the base branch", () => {
  // Flyway applies the versioned migrations, then each repeatable one (by description) that is new
  // or changed since it last ran: editing a repeatable is how it is used, and none has a version.
  const FLYWAY = {
    'db/V1__users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
    'db/R__a_emails.sql': 'CREATE OR REPLACE VIEW user_emails AS SELECT id, email FROM users;\n',
    'db/R__c_email_index.sql': 'CREATE INDEX IF NOT EXISTS users_email ON users (email);\n',
  };
  const run = async (pr: (dir: string) => void, args: string[] = []) => {
    const dir = repo(FLYWAY, pr);
    made.push(dir);
    const { code, stdout, stderr } = await inProcess(
      ['db', '--format', 'flyway', '--base', 'main', '--output', 'json', ...args],
      { cwd: dir },
    );
    assert.notEqual(code, 2, stderr);
    const report = JSON.parse(stdout) as Report;
    const directory = report.directories[0]!;
    return {
      code,
      findings: report.findings.map((f) => `${f.check} ${f.file?.split('/').at(-1)}`),
      statuses: Object.fromEntries(directory.migrations.map((m) => [`${m.version}__${m.name}`, m.status])),
      summary: directory.schema.summary,
      // Which migrations' statements the server was watched for (observation is for the PR's own).
      observed: [...new Set(directory.steps.filter((s) => s.statements).map((s) => s.file?.split('/').at(-1)))],
    };
  };
  const write = (dir: string, file: string, text: string) => writeFileSync(join(dir, 'db', file), text);

  test('a new versioned migration before the repeatables sorts after every merged version; the diff is what it adds', async () => {
    const result = await run((d) => write(d, 'V2__orders.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY);\n'));
    assert.deepEqual([result.code, result.findings], [0, []]);
    assert.deepEqual(result.statuses, {
      '1__users': 'unchanged',
      '2__orders': 'new',
      R__a_emails: 'unchanged',
      R__c_email_index: 'unchanged',
    });
    // The base schema is the base branch's whole schema (with its repeatables), not the one before V2.
    assert.deepEqual(result.summary, {
      column: { added: ['public.orders.id'], removed: [], changed: [] },
      constraint: { added: ['public.orders.orders_pkey'], removed: [], changed: [] },
      table: { added: ['public.orders'], removed: [], changed: [] },
    });
    assert.deepEqual(result.observed, ['V2__orders.sql']);
  });

  test('a new repeatable among the merged ones, and an edited one: no version order, no edited history; only they are checked', async () => {
    const result = await run((d) => {
      write(d, 'R__b_ids.sql', 'CREATE OR REPLACE VIEW user_ids AS SELECT id FROM users;\n');
      write(
        d,
        'R__a_emails.sql',
        'CREATE OR REPLACE VIEW user_emails AS SELECT id, email, id > 0 AS valid FROM users;\n',
      );
    });
    assert.deepEqual([result.code, result.findings], [0, []]);
    assert.deepEqual(result.statuses, {
      '1__users': 'unchanged',
      R__a_emails: 'modified',
      R__b_ids: 'new',
      R__c_email_index: 'unchanged',
    });
    assert.deepEqual(result.summary?.view, {
      added: ['public.user_ids'],
      removed: [],
      changed: ['public.user_emails'],
    });
    // The unchanged repeatable's CREATE INDEX (a blocking lock) is merged history: not observed.
    assert.deepEqual(result.observed.sort(), ['R__a_emails.sql', 'R__b_ids.sql']);
  });

  test('a new repeatable that fails: the run checked it and it is not safe (merged repeatables are not news)', async () => {
    const dir = repo(FLYWAY, (d) => write(d, 'R__b_broken.sql', 'CREATE VIEW broken AS SELECT nope FROM users;\n'));
    made.push(dir);
    const { code, stdout } = await inProcess(['db', '--format', 'flyway', '--base', 'main'], { cwd: dir });
    assert.equal(code, 1, stdout);
    assert.match(stdout, /Migrations are not safe to merge/);
    assert.doesNotMatch(stdout, /No migration was checked/);
    // R__c_email_index, after it, is merged history: named as such, not as a new migration left unchecked.
    assert.match(
      stdout.replace(/\s+/g, ' '),
      /1 merged migration in db was not applied because db\/R__b_broken\.sql fails, and a deploy stops there \(R c_email_index\)/,
    );
    assert.doesNotMatch(stdout, /new migrations in db (was|were) not checked/);
  });

  test('the transaction check describes the repeatable that failed, not the first one', async () => {
    const dir = repo({ ...FLYWAY, 'db/R__a_emails.sql.conf': 'executeInTransaction=false\n' }, (d) =>
      write(d, 'R__b_reindex.sql', 'REINDEX INDEX CONCURRENTLY users_pkey;\n'),
    );
    made.push(dir);
    const { code, stdout } = await inProcess(['db', '--format', 'flyway', '--base', 'main', '--output', 'json'], {
      cwd: dir,
    });
    assert.equal(code, 1, stdout);
    const found = (JSON.parse(stdout) as Report).findings.find((f) => f.check === 'transaction');
    assert.ok(found, stdout);
    assert.match(found.message, /R__b_reindex\.sql the runner wraps the file in BEGIN … COMMIT/);
  });

  test('a deleted repeatable is still an edit of the history (Flyway validates it as missing)', async () => {
    const result = await run((d) => unlinkSync(join(d, 'db', 'R__c_email_index.sql')));
    assert.deepEqual([result.code, result.findings], [1, ['history-edited R__c_email_index.sql']]);
  });
});
