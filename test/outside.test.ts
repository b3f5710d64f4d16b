// What a migration can reach outside its scratch database, per provider, through the whole
// pipeline on real Postgres: refused on a server the user names, reported on a throwaway one,
// and nothing of the user's server changed either way.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { DEFAULTS, type Config } from '../src/config.ts';
import type { Server } from '../src/database/database.ts';
import { startEmbedded, type EmbeddedServer } from '../src/database/embedded.ts';
import { createScratch } from '../src/database/scratch.ts';
import { ownerTag } from '../src/database/owner-mark.ts';
import { startUrl } from '../src/database/url.ts';
import { memoryDirectory } from '../src/files/directory.ts';
import type { Report } from '../src/report/report.ts';
import { run } from '../src/run.ts';
import { query } from './helpers.ts';

let own: EmbeddedServer;
let appUrl: string;
before(async () => {
  own = await startEmbedded();
  // The setup the README suggests: an ordinary role that owns its database, with CREATEDB.
  await query(own.url, "CREATE ROLE appuser LOGIN CREATEDB CREATEROLE PASSWORD 'app-secret'");
  await query(own.url, 'CREATE DATABASE appdb OWNER appuser');
  await query(own.url, "CREATE ROLE plainuser LOGIN CREATEDB PASSWORD 'plain-secret'");
  await query(own.url, 'CREATE DATABASE plaindb OWNER plainuser');
  const socket = new URL(own.url).searchParams.get('host')!;
  appUrl = `postgres://appuser:app-secret@localhost/appdb?host=${encodeURIComponent(socket)}`;
});
after(async () => {
  await own[Symbol.asyncDispose]();
});

const userUrl = (user: string, password: string, db: string) =>
  appUrl.replace('appuser:app-secret', `${user}:${password}`).replace('/appdb?', `/${db}?`);

/** A golang-migrate directory: each entry is an up (with a harmless down) or an up and its down. */
function migrations(ups: (string | [string, string])[]): Record<string, string> {
  const files: Record<string, string> = {
    '0001_base.up.sql': 'CREATE TABLE base (id int);',
    '0001_base.down.sql': 'DROP TABLE base;',
  };
  ups.forEach((sql, i) => {
    const v = String(i + 2).padStart(4, '0');
    files[`${v}_step.up.sql`] = typeof sql === 'string' ? sql : sql[0];
    files[`${v}_step.down.sql`] = typeof sql === 'string' ? 'SELECT 1;' : sql[1];
  });
  return files;
}

async function check(
  files: Record<string, string>,
  start: () => Promise<Server>,
  config: Partial<Config> = {},
): Promise<Report> {
  return run({ ...DEFAULTS, paths: ['db'], ...config } as Config, {
    directory: (p) => memoryDirectory(p, files),
    startServer: start,
  });
}

/** The cluster as the user's own superuser sees it: databases, roles, settings, passwords. */
async function cluster(): Promise<unknown> {
  return query(
    own.url,
    `SELECT (SELECT json_agg(datname ORDER BY datname) FROM pg_database) AS dbs,
            (SELECT json_agg(rolname || ':' || coalesce(rolpassword, '') ORDER BY rolname) FROM pg_authid WHERE rolname NOT LIKE 'pg\\_%') AS roles,
            (SELECT json_agg(setconfig) FROM pg_db_role_setting) AS settings,
            (SELECT json_agg(name || '=' || setting) FROM pg_file_settings WHERE sourcefile LIKE '%auto.conf') AS system`,
  );
}

const HOSTILE = [
  'DROP DATABASE appdb WITH (FORCE);',
  "ALTER DATABASE appdb SET work_mem = '1MB';",
  "ALTER ROLE appuser PASSWORD 'pwned';",
  'CREATE DATABASE evil;',
  'CREATE ROLE evil LOGIN SUPERUSER;',
  "COPY (SELECT 1) TO PROGRAM 'true';",
  "SELECT pg_read_file('/etc/passwd');",
  "SELECT lo_import('/etc/passwd');",
  // Dynamic SQL hides the statement from the reader: the run role's missing privileges stop it.
  "DO $$ BEGIN EXECUTE 'ALTER DATABASE appdb SET work_mem = ''1MB'''; END $$;",
  "DO $$ BEGIN EXECUTE 'ALTER ROLE appuser PASSWORD ''pwned'''; END $$;",
];

for (const sql of HOSTILE) {
  test(`url: \`${sql.slice(0, 70)}\` cannot touch the user's server, and the run fails`, async () => {
    const before = await cluster();
    const report = await check(migrations([sql]), () => startUrl(appUrl));
    assert.equal(report.ok, false);
    const finding = report.findings.find((f) => f.file === 'db/0002_step.up.sql');
    assert.ok(finding, `no finding for the hostile migration: ${JSON.stringify(report.findings)}`);
    assert.equal(finding.severity, 'error');
    assert.match(finding.check, /^(outside-database|sql-error)$/);
    assert.deepEqual(await cluster(), before);
  });
}

test('url: a refused statement is named with its line, and the migrations before it were checked', async () => {
  const report = await check(migrations(['CREATE TABLE ok (id int);\nDROP DATABASE appdb;']), () => startUrl(appUrl));
  const [finding] = report.findings;
  assert.equal(finding?.check, 'outside-database');
  assert.equal(finding?.line, 2);
  assert.match(
    finding!.message,
    /not run on the server you named: line 2: DROP DATABASE acts outside the scratch database/,
  );
  const steps = report.directories[0]!.steps.map((s) => `${s.version} ${s.direction} ${s.status}`);
  assert.deepEqual(steps, ['0001 up ok', '0001 down ok', '0001 up ok', '0002 up failed']);
});

test('url: migrations run as a login role made for the run, which owns only the scratch database and is gone afterwards', async () => {
  const report = await check(
    migrations([
      [
        `DO $$ BEGIN
           IF current_user NOT LIKE 'migrate\\_check\\_run\\_%' THEN RAISE 'running as %', current_user; END IF;
           IF (SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN RAISE 'the run role has powers'; END IF;
           IF (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()) <> current_user THEN RAISE 'not the owner'; END IF;
         END $$;
         CREATE TABLE who (id int);`,
        'DROP TABLE who;',
      ],
    ]),
    () => startUrl(appUrl),
  );
  assert.equal(report.ok, true, JSON.stringify(report.findings));
  assert.match(report.directories[0]!.schema.head, /who/);
  assert.deepEqual(await query(own.url, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'migrate\\_check\\_%'"), []);
  assert.deepEqual(
    await query(own.url, "SELECT datname FROM pg_database WHERE datname LIKE 'migrate\\_check\\_%'"),
    [],
  );
});

test('url as a superuser: the migrations and the rows seeded for them run as the run role; the reports are those of a role that is not', async () => {
  // The trigger refuses a superuser: seeding through it shows who inserted the rows.
  const files = migrations([
    [
      `CREATE TABLE guarded (id int PRIMARY KEY, note text);
       CREATE FUNCTION refuse_superuser() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
         IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN RAISE 'seeded by a superuser'; END IF;
         RETURN NEW; END $$;
       CREATE TRIGGER guard BEFORE INSERT ON guarded FOR EACH ROW EXECUTE FUNCTION refuse_superuser();`,
      'DROP TABLE guarded; DROP FUNCTION refuse_superuser();',
    ],
    ['ALTER TABLE guarded ADD COLUMN size int NOT NULL DEFAULT 0;', 'ALTER TABLE guarded DROP COLUMN size;'],
    ['CREATE INDEX guarded_note ON guarded (note);', 'SELECT 1;'],
    ["CREATE VIEW notes AS SELECT note FROM guarded; COMMENT ON VIEW notes IS 'read';", 'DROP VIEW notes;'],
  ]);
  // The snapshots read a change log on the superuser's server, and scan the catalogs on the other.
  const superuser = await check(files, () => startUrl(own.url));
  const createrole = await check(files, () => startUrl(appUrl));
  const seeded = superuser.directories[0]!.seeding?.flatMap((r) => r.tables).filter((t) => t.table.endsWith('guarded'));
  assert.ok(
    seeded?.some((t) => t.rows > 0),
    `guarded was not seeded: ${JSON.stringify(superuser.directories[0]!.seeding)}`,
  );
  const masked = (text: string) => text.replace(/migrate_check_run_\w+/g, '<run role>').replace(/[\d.]+ ms/g, '<n> ms');
  const shown = (report: Report) => ({
    findings: report.findings.map((f) => masked(`${f.check} ${f.file} ${f.message}`)).sort(),
    steps: report.directories[0]!.steps.map((s) => `${s.version} ${s.direction} ${s.status}`),
    head: masked(report.directories[0]!.schema.head),
  });
  assert.deepEqual(shown(superuser), shown(createrole));
  assert.match(
    superuser.findings.map((f) => f.message).join('\n'),
    /guarded_note/,
    'the index the down leaves is found',
  );
});

test('url: without the right to create roles, the migrations run as the URL user, and what they do to the cluster is still an error', async () => {
  const url = userUrl('plainuser', 'plain-secret', 'plaindb');
  const before = await cluster();
  const report = await check(
    migrations(["DO $$ BEGIN EXECUTE 'ALTER DATABASE plaindb SET work_mem = ''2MB'''; END $$;"]),
    () => startUrl(url),
  );
  const finding = report.findings.find((f) => f.check === 'outside-database');
  assert.ok(finding, JSON.stringify(report.findings));
  assert.equal(finding.severity, 'error');
  assert.match(finding.message, /changed setting|created setting/);
  await query(own.url, 'ALTER DATABASE plaindb RESET ALL');
  assert.deepEqual(await cluster(), before);
});

test('embedded: cluster-level statements run and are reported as warnings, with what changed; programs on this machine are refused', async () => {
  await using server = await startEmbedded();
  const report = await check(
    migrations([
      ['CREATE ROLE evil LOGIN;\nCREATE TABLE t (id int);', 'DROP TABLE t;\nDROP ROLE evil;'],
      ["ALTER SYSTEM SET work_mem = '3MB';", 'ALTER SYSTEM RESET work_mem;'],
      "COPY (SELECT 1) TO PROGRAM 'true';",
    ]),
    async () => server,
  );
  const found = report.findings.filter((f) => f.check === 'outside-database');
  assert.deepEqual(
    found.map((f) => [f.file, f.severity, f.line]),
    [
      ['db/0002_step.down.sql', 'warning', 2],
      ['db/0002_step.up.sql', 'warning', 1],
      ['db/0003_step.down.sql', 'warning', 1],
      ['db/0003_step.up.sql', 'warning', 1],
      ['db/0004_step.up.sql', 'error', 1],
    ],
  );
  assert.match(
    found[1]!.message,
    /line 1: CREATE ROLE; the replay saw it change the cluster: created role evil: login/,
  );
  assert.match(found[0]!.message, /removed role evil: login/);
  assert.match(found[3]!.message, /created server setting work_mem in postgresql\.auto\.conf: 3MB/);
  // A program on this machine is refused: the server runs here, as this user.
  assert.match(
    found[4]!.message,
    /was not run on the embedded server, which runs on this machine: line 1: COPY … TO PROGRAM acts on this machine/,
  );
  assert.equal(report.ok, false);
});

test('embedded, a history long enough for its snapshots to have a session of their own: each change to the cluster is told for the step that made it', async () => {
  await using server = await startEmbedded();
  const filler = Array.from({ length: 110 }, (_, i): [string, string] => [
    `CREATE TABLE f${i} (id int);`,
    `DROP TABLE f${i};`,
  ]);
  const report = await check(
    migrations([
      ...filler,
      ['CREATE ROLE evil LOGIN;', 'DROP ROLE evil;'],
      ["ALTER SYSTEM SET work_mem = '3MB';", 'ALTER SYSTEM RESET work_mem;'],
    ]),
    async () => server,
    { observe: false, seed: false },
  );
  const found = report.findings.filter((f) => f.check === 'outside-database');
  assert.deepEqual(
    found.map((f) => [f.file, f.severity, f.line]),
    [
      ['db/0112_step.down.sql', 'warning', 1],
      ['db/0112_step.up.sql', 'warning', 1],
      ['db/0113_step.down.sql', 'warning', 1],
      ['db/0113_step.up.sql', 'warning', 1],
    ],
  );
  assert.match(found[0]!.message, /removed role evil: login/);
  assert.match(found[1]!.message, /created role evil: login/);
  assert.match(found[3]!.message, /created server setting work_mem in postgresql\.auto\.conf: 3MB/);
  assert.equal(report.directories[0]!.steps.filter((s) => s.outside).length, 6, 'each of the 6 steps that changed it');
});

// The file's server, for runs that need no cluster of their own: a run's disposal leaves it running.
const shared = () => ({ ...own, [Symbol.asyncDispose]: async () => {} });

test('statement timeout: a migration that switches it off is cancelled from outside and reported', async () => {
  const server = shared();
  const started = Date.now();
  const report = await check(migrations(['SET statement_timeout = 0;\nSELECT pg_sleep(60);']), async () => server, {
    statementTimeoutMs: 1_000,
  });
  assert.ok(Date.now() - started < 15_000, `the step ran ${Date.now() - started} ms`);
  const step = report.directories[0]!.steps.find((s) => s.status === 'failed');
  assert.equal(step?.error?.timedOut, 'statement');
  const finding = report.findings.find((f) => f.check === 'sql-error');
  assert.match(finding!.message, /longer than the statement timeout \(1s\) and was cancelled by migrate-check/);
});

test('lock timeout: a lock wait past it is cancelled from outside even with lock_timeout switched off', async () => {
  const server = shared();
  await using db = await server.createDatabase('lock');
  const holder = await db.connect();
  await holder.query('CREATE TABLE held (id int)');
  await holder.query('BEGIN');
  await holder.query('LOCK TABLE held IN ACCESS EXCLUSIVE MODE');
  const migrate = await db.connect({ lockTimeoutMs: 500 });
  const observer = await db.connect();
  const { executeScript } = await import('../src/execute.ts');
  const started = Date.now();
  const error = await executeScript(
    migrate,
    {
      file: 'x.sql',
      units: [{ sql: 'SET lock_timeout = 0; SELECT * FROM held;', line: 1, column: 1 }],
      transaction: 'implicit',
    },
    { limits: { lockMs: 500, statementMs: 60_000 }, observer },
  );
  assert.ok(Date.now() - started < 6_000);
  assert.equal(error?.timedOut, 'lock');
  assert.match(error!.message, /waited for a lock longer than the lock timeout \(0\.5s\)/);
  await holder.query('ROLLBACK');
  for (const c of [holder, migrate, observer]) await c.end();
});

test("url: a dead run's scratch databases and run roles are removed by the next run; a live run's are kept", async () => {
  const admin = new pg.Client({ connectionString: appUrl });
  await admin.connect();
  const dead = await createScratch(admin, 'dead', (database) => ({
    connectionString: appUrl.replace('/appdb?', `/${database}?`),
  }));
  const live = await createScratch(admin, 'live', (database) => ({
    connectionString: appUrl.replace('/appdb?', `/${database}?`),
  }));
  // A run of this machine that is gone (pid 2^22 + 1 is beyond Linux' pid range).
  await admin.query(
    `COMMENT ON DATABASE ${dead.name} IS 'migrate-check run ${JSON.stringify({ host: (await import('node:os')).hostname(), pid: 4194305, started: new Date().toISOString() })}'`,
  );
  // Killed between CREATE DATABASE and its comment: the name alone tells whose it is.
  const untagged = `migrate_check_killed_${ownerTag().replace(/^p\d+/, 'p4194305')}_0badc0de`;
  await admin.query(`CREATE DATABASE ${untagged}`);
  await admin.query('CREATE ROLE migrate_check_run_deadbeef01 LOGIN');
  await admin.query(
    `COMMENT ON ROLE migrate_check_run_deadbeef01 IS 'migrate-check run {"host":"elsewhere","pid":1,"started":"2020-01-01T00:00:00Z"}'`,
  );
  // A killed run's server session goes on with its last command (a CREATE DATABASE would commit
  // after the sweep looked): the next run ends it; a session of a live run (this one) is kept.
  const session = async (name: string) => {
    const c = new pg.Client({ connectionString: appUrl, application_name: name });
    c.on('error', () => {});
    await c.connect();
    return {
      client: c,
      running: c.query('SELECT pg_sleep(60)').then(
        () => 'finished',
        (e: Error) => e.message,
      ),
    };
  };
  const deadSession = await session(`migrate-check ${ownerTag().replace(/^p\d+/, 'p4194305')}`);
  const liveSession = await session(`migrate-check ${ownerTag()}`);
  const startedAt = Date.now();
  {
    await using _server = await startUrl(appUrl);
  }
  assert.match(await deadSession.running, /terminat/, "the dead run's session was not ended");
  assert.ok(Date.now() - startedAt < 10_000, 'the sweep waited for the full 60 s command');
  const activity = await query<{ n: string }>(
    own.url,
    "SELECT application_name AS n FROM pg_stat_activity WHERE application_name LIKE 'migrate-check p%'",
  );
  assert.deepEqual(
    activity.map((r) => r.n),
    [`migrate-check ${ownerTag()}`],
    "a live run's session was ended",
  );
  await admin.query(
    'SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
    [`migrate-check ${ownerTag()}`],
  );
  await liveSession.running;
  await liveSession.client.end();
  await deadSession.client.end().catch(() => {});
  const names = (
    await query<{ n: string }>(own.url, 'SELECT datname AS n FROM pg_database UNION ALL SELECT rolname FROM pg_roles')
  ).map((r) => r.n);
  assert.ok(!names.includes(dead.name), "the dead run's database was kept");
  assert.ok(!names.includes(untagged), "the dead run's database without its comment was kept");
  assert.ok(!names.includes('migrate_check_run_deadbeef01'), 'the day-old run role of another machine was kept');
  assert.ok(names.includes(live.name), "a live run's database was dropped");
  await live[Symbol.asyncDispose]();
  await admin.end();
});

test('url: four runs at once with the `role` setting leave no role behind', async () => {
  const superUrl = own.url;
  const runs = Array.from({ length: 4 }, () =>
    check(migrations([['CREATE TABLE t2 (id int);', 'DROP TABLE t2;']]), () => startUrl(superUrl), {
      role: 'mc_shared_migrator',
    } as Partial<Config>),
  );
  const reports = await Promise.all(runs);
  for (const r of reports) assert.equal(r.ok, true, JSON.stringify(r.findings));
  assert.deepEqual(await query(own.url, "SELECT rolname FROM pg_roles WHERE rolname = 'mc_shared_migrator'"), []);
});
