/**
 * Hostile input: migrations, their names, encodings and configs are untrusted. Every case in
 * hostile-cases.ts must end with the right exit code, a message naming the problem and no stack
 * trace; malicious SQL must not reach outside the scratch database (url), is reported (embedded),
 * and cannot switch off the statement timeout.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startEmbedded, type EmbeddedServer } from '../src/database/embedded.ts';
import type { Report } from '../src/report/report.ts';
import { CASES, MALICIOUS, type HostileCase, type MaliciousCase, type SqlContext } from './hostile-cases.ts';
import {
  assertNoControls,
  assertNoCrash,
  assertOnlyOwnWorkflowCommands,
  buildCase,
  runInProcess,
  runProcess,
  type Result,
} from './hostile-run.ts';
import pg from 'pg';
import { forTheFile, query } from './helpers.ts';

const SECRET = 'mc-secret-7f3a9c';
const TOKEN = 'ghs_hostiletoken0000000000000000000000';
const NOBODY = 65534;

/** One server, with an ordinary CREATEDB role owning the database its URL names (and a superuser URL). */
interface Shared {
  server: EmbeddedServer;
  /** Superuser URL to the cluster's `postgres` database, for the test's own queries. */
  admin: string;
  /** The ordinary role's URL (it owns `mc_home`). */
  role: string;
  /** A superuser URL naming its own database, `mc_su_home`. */
  superuser: string;
  /** One superuser connection (to `postgres`) for the test's own queries. */
  client: pg.Client;
}
const q = async (s: Shared, text: string) => (await s.client.query(text)).rows;

async function shared(): Promise<Shared> {
  const server = await startEmbedded();
  const host = new URL(server.url).searchParams.get('host')!;
  const at = (user: string, db: string) => `postgres://${user}@localhost/${db}?host=${encodeURIComponent(host)}`;
  await query(server.url, `CREATE ROLE mc_owner LOGIN CREATEDB PASSWORD 'pw0'`);
  await query(server.url, 'CREATE DATABASE mc_home OWNER mc_owner');
  await query(server.url, 'CREATE DATABASE mc_su_home');
  const client = new pg.Client({ connectionString: server.url });
  client.on('error', () => {});
  await client.connect();
  return {
    server,
    admin: server.url,
    client,
    role: at('mc_owner:pw0', 'mc_home'),
    superuser: at('postgres', 'mc_su_home'),
  };
}

const started = performance.now();
/**
 * The servers: general, for the role, for the superuser, and for embedded (the one the malicious
 * cases run on in this process, started with the tool's secrets in its environment).
 */
const servers = forTheFile(
  async () => {
    process.env.MC_SECRET = SECRET;
    process.env.GITHUB_TOKEN = TOKEN;
    return Promise.all([shared(), shared(), shared(), shared()]);
  },
  async (all) => {
    await Promise.all(
      all.map(async (s) => (await s.client.end().catch(() => {}), await s.server[Symbol.asyncDispose]())),
    );
    console.log(
      `hostile.test.ts: ${CASES.length} input cases, ${MALICIOUS.length} malicious statements × 3 providers, ${Math.round((performance.now() - started) / 1000)} s`,
    );
  },
);
const general = () => servers()[0];
const forRole = () => servers()[1];
const forSuperuser = () => servers()[2];
const forEmbedded = () => servers()[3];

const wants = (exit: number | number[]) => (Array.isArray(exit) ? exit : [exit]);

async function runCase(c: HostileCase): Promise<Result & { root: string }> {
  const root = buildCase(c.files);
  const hasDb = c.args.some((a) => a.startsWith('--database'));
  const dbArgs = c.db || hasDb ? [] : ['--database-url', general().role];
  const args = [...dbArgs, ...c.args];
  const timeoutMs = c.timeoutMs ?? 15_000;
  try {
    const result =
      c.spawn || c.db === 'embedded'
        ? await runProcess(args, { DATABASE_URL: '', ...c.env }, root, timeoutMs)
        : await runInProcess(args, { DATABASE_URL: '', ...c.env }, root, timeoutMs);
    return { ...result, root };
  } finally {
    chmodTree(root);
    rmSync(root, { recursive: true, force: true });
  }
}

/** chmod 000 files must be removable again. */
function chmodTree(root: string) {
  try {
    chmodSync(join(root, 'db'), 0o755);
  } catch {}
}

describe('hostile input', { concurrency: true }, () => {
  describe('cases from hostile-cases.ts', { concurrency: 6 }, () => {
    for (const c of CASES) {
      test(`${c.category}: ${c.name}`, async (t) => {
        const skip = c.skip?.();
        if (skip) {
          console.log(`skipped ${c.category}: ${c.name}: ${skip}`);
          return t.skip(skip);
        }
        const r = await runCase(c);
        const out = r.stdout + r.stderr;
        const shown = `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 3000)}\n--- stderr\n${r.stderr.slice(0, 3000)}`;
        assert.equal(r.timedOut, false, `did not finish within ${c.timeoutMs ?? 15_000} ms\n${shown}`);
        assertNoCrash(out);
        assert.ok(wants(c.exit).includes(r.code!), `exit ${r.code}, want ${wants(c.exit).join(' or ')}\n${shown}`);
        for (const says of c.says) assert.match(out, says, shown);
        for (const not of c.saysNot ?? []) assert.doesNotMatch(out, not, shown);
        assertNoControls(r.stdout, 'stdout');
        assertNoControls(r.stderr, 'stderr');
        if (c.args.includes('github')) assertOnlyOwnWorkflowCommands(r.stdout);
        c.check?.(r);
      });
    }
  });

  // ───────── malicious SQL ─────────
  const FILE = '00001_evil.sql';
  /** goose, NO TRANSACTION: each statement runs alone, in autocommit, as the runner would send it. */
  const evil = (c: MaliciousCase, ctx: SqlContext) => ({
    [`db/${FILE}`]: `-- +goose NO TRANSACTION\n-- +goose Up\n${c.up(ctx)}-- +goose Down\nDROP TABLE IF EXISTS t;\n`,
  });
  /** A folder the server's OS user (nobody, as root) may write into. */
  const outDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-evil-out-'));
    chmodSync(dir, 0o777);
    return dir;
  };
  const findingsOn = (report: Report) => report.findings.filter((f) => f.file?.endsWith('/' + FILE));
  const parse = (r: Result): Report => {
    try {
      return JSON.parse(r.stdout) as Report;
    } catch {
      assert.fail(`not a JSON report (exit ${r.code}):\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`);
    }
  };
  const env = { MC_SECRET: SECRET, GITHUB_TOKEN: TOKEN };

  // One after the other on one server (each case is judged by what it did to the cluster), restored
  // after each; a timeout that failed would still end with its pg_sleep(40). A process with a server
  // of its own for dropping the server's `postgres` database (the shared server's admin link would
  // move to template1, which later CREATE DATABASE statements copy).
  describe('malicious SQL on embedded: reported, and the server never sees the tool environment', {
    concurrency: 1,
  }, () => {
    for (const c of MALICIOUS) {
      test(c.name, async () => {
        const out = outDir();
        const ctx: SqlContext = { urlDatabase: 'postgres', urlUser: 'postgres', outFile: join(out, 'env.txt') };
        prepareTablespaceDir(ctx);
        const root = buildCase(evil(c, ctx));
        const ownProcess = c.name.startsWith('DROP DATABASE');
        try {
          const args = ['{db}', '--output', 'json', ...(c.args ?? [])];
          const limit = c.kind === 'timeout' ? 25_000 : 30_000; // under the 40 s sleep: the cancel happened
          const shared = { ...forEmbedded().server, [Symbol.asyncDispose]: async () => {} };
          const r = ownProcess
            ? await runProcess(args, { ...env, DATABASE_URL: '' }, root, limit)
            : await runInProcess(args, { ...env, DATABASE_URL: '' }, root, limit, shared);
          assert.equal(r.timedOut, false, `did not end (${Math.round(r.ms)} ms): ${r.stderr.slice(0, 2000)}`);
          assertNoCrash(r.stdout + r.stderr);
          if (existsSync(ctx.outFile)) {
            const written = readFileSync(ctx.outFile, 'utf8');
            assert.ok(
              !written.includes(SECRET) && !written.includes(TOKEN),
              `the server's environment held the tool's secrets:\n${written.slice(0, 500)}`,
            );
          }
          const report = parse(r);
          const mine = findingsOn(report);
          if (c.kind === 'outside') {
            assert.ok(
              mine.some((f) => f.check === 'outside-database' && f.severity === 'warning'),
              `no outside-database warning on ${FILE}: ${JSON.stringify(report.findings)}`,
            );
            assert.ok([0, 1].includes(r.code!), `exit ${r.code}`);
          } else if (c.kind === 'access') {
            assert.ok(
              mine.some((f) => f.check === 'outside-database' || /pg_read_file|lo_import|PROGRAM/i.test(f.message)),
              `no finding for ${c.name}: ${JSON.stringify(report.findings)}`,
            );
            assert.ok([0, 1].includes(r.code!), `exit ${r.code}`);
          } else {
            assert.equal(r.code, 1);
            assert.ok(
              mine.some((f) => f.check === 'sql-error' || f.check === 'statement-timeout'),
              `no timeout finding: ${JSON.stringify(report.findings)}`,
            );
          }
        } finally {
          if (!ownProcess) await restore(forEmbedded(), 'postgres', 'postgres');
          rmSync(root, { recursive: true, force: true });
          rmSync(out, { recursive: true, force: true });
        }
      });
    }
  });

  for (const [label, which, user, database] of [
    ['url as an ordinary CREATEDB role', forRole, 'mc_owner', 'mc_home'] as const,
    ['url as a superuser', forSuperuser, 'postgres', 'mc_su_home'] as const,
  ]) {
    // One after the other: each case is judged by the difference it made to the cluster.
    describe(`malicious SQL on ${label}: refused before it runs, the cluster unchanged`, { concurrency: 1 }, () => {
      for (const c of MALICIOUS) {
        test(c.name, async () => {
          const s = which();
          const out = outDir();
          const ctx: SqlContext = { urlDatabase: database, urlUser: user, outFile: join(out, 'env.txt') };
          prepareTablespaceDir(ctx);
          const root = buildCase(evil(c, ctx));
          const before = await clusterState(s);
          try {
            const url = user === 'postgres' ? s.superuser : s.role;
            const limit = c.kind === 'timeout' ? 25_000 : 30_000; // under the 40 s sleep: the cancel happened
            // The timeouts run as a process (it can be stopped if it hangs); the rest in-process.
            const args = ['{db}', '--output', 'json', '--database-url', url, ...(c.args ?? [])];
            const r =
              c.kind === 'timeout'
                ? await runProcess(args, { ...env, DATABASE_URL: '' }, root, limit)
                : await runInProcess(args, { ...env, DATABASE_URL: '' }, root, limit);
            assert.equal(r.timedOut, false, `did not end within ${limit / 1000} s (${Math.round(r.ms)} ms)`);
            assertNoCrash(r.stdout + r.stderr);
            assert.deepEqual(await clusterState(s), before, 'the cluster outside the scratch database changed');
            assert.deepEqual(await scratchLeft(s), [], 'scratch databases left behind');
            assert.equal(existsSync(ctx.outFile), false, `COPY … TO PROGRAM ran: ${ctx.outFile} exists`);
            const report = parse(r);
            const mine = findingsOn(report);
            if (c.kind === 'timeout') {
              assert.ok(
                mine.some((f) => f.check === 'sql-error' || f.check === 'statement-timeout'),
                `no timeout finding: ${JSON.stringify(report.findings)}`,
              );
            } else {
              assert.ok(
                mine.some((f) => f.check === 'outside-database' && f.severity === 'error'),
                `no outside-database error on ${FILE}: ${JSON.stringify(report.findings)}`,
              );
            }
            assert.equal(r.code, 1);
          } finally {
            await restore(s, user, database);
            rmSync(root, { recursive: true, force: true });
            rmSync(out, { recursive: true, force: true });
          }
        });
      }
    });
  }
});

async function scratchLeft(s: Shared): Promise<string[]> {
  return (await q(s, "SELECT datname FROM pg_database WHERE datname LIKE 'migrate\\_check\\_%' ORDER BY 1")).map(
    (d) => d.datname as string,
  );
}

/** CREATE TABLESPACE needs an empty folder the server owns; make one, so only a refusal stops it. */
function prepareTablespaceDir(ctx: SqlContext) {
  const dir = `${ctx.outFile}.ts`;
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) chownSync(dir, NOBODY, NOBODY);
}

/** What a migration must not change: databases, their settings, roles and passwords, ALTER SYSTEM, tablespaces. */
async function clusterState(s: Shared) {
  // One query after the other on the one client (pg 9 refuses a query sent while one runs).
  const databases = await q(
    s,
    "SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname NOT LIKE 'migrate\\_check\\_%' ORDER BY 1",
  );
  const settings = await q(
    s,
    'SELECT d.datname, r.rolname, s.setconfig FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase LEFT JOIN pg_roles r ON r.oid = s.setrole ORDER BY 1, 2',
  );
  const roles = await q(
    s,
    'SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolpassword FROM pg_authid ORDER BY 1',
  );
  const system = await q(
    s,
    "SELECT name, setting FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf' ORDER BY 1",
  );
  const tablespaces = await q(s, 'SELECT spcname FROM pg_tablespace ORDER BY 1');
  return { databases, settings, roles, system, tablespaces };
}

/** Undoes whatever a case managed to do, so the next case starts from the same cluster. */
async function restore(s: Shared, user: string, database: string) {
  const run = (sql: string) => q(s, sql).catch(() => {});
  await run('DROP DATABASE IF EXISTS evil WITH (FORCE)');
  await run('DROP ROLE IF EXISTS evil');
  await run('ALTER SYSTEM RESET ALL');
  await run('DROP TABLESPACE IF EXISTS evil');
  const exists = await q(s, `SELECT 1 FROM pg_database WHERE datname = '${database}'`);
  if (!exists.length)
    await run(`CREATE DATABASE ${database}${user === 'postgres' ? '' : ` OWNER ${user}`} TEMPLATE template0`);
  await run(`ALTER DATABASE ${database} RESET ALL`);
  await run(user === 'postgres' ? 'ALTER ROLE postgres PASSWORD NULL' : `ALTER ROLE ${user} PASSWORD 'pw0'`);
  // Scratch databases a crashed run left behind must not count against the next case.
  for (const name of await scratchLeft(s)) await run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
