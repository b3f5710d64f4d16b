/**
 * A Postgres server killed in the middle of a run (SIGKILL, as the OOM killer sends it): its
 * shared memory (/dev/shm/PostgreSQL.*, its System V segment) does not outlive it, and the CLI
 * says what happened, with exit 2 and no word of a bug.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { locateBinaries, BUNDLED_MAJOR } from '../src/database/embedded-binaries.ts';
import { runUser } from '../src/database/embedded-process.ts';
import { startEmbedded, sweepInstances } from '../src/database/embedded.ts';
import type { Report } from '../src/report/report.ts';
import { CLI, cli, ROOT } from './helpers.ts';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true, maxRetries: 5 })));

/** The shared memory a postmaster has mapped: its /dev/shm files and its System V keys. */
function sharedMemoryOf(pid: number) {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  return {
    files: [...new Set([...maps.matchAll(/\/dev\/shm\/PostgreSQL\.\d+/g)].map((m) => m[0]))],
    keys: [...new Set([...maps.matchAll(/\/SYSV([0-9a-f]{8})/g)].map((m) => Number.parseInt(m[1]!, 16)))],
  };
}

/** The System V segments of these keys that still exist. */
const segments = (keys: readonly number[]) =>
  readFileSync('/proc/sysvipc/shm', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((key) => keys.includes(key));

/** Waits until `done()` holds, up to `ms`; whether it did. */
async function until(done: () => unknown, ms = 10_000): Promise<boolean> {
  for (let i = 0; i < ms / 100 && !done(); i++) await sleep(100);
  return Boolean(done());
}

const skip = existsSync('/proc/sysvipc/shm') ? false : 'no /proc/sysvipc/shm here to look at shared memory with';

test('an embedded server killed with SIGKILL leaves no shared memory behind', { skip, timeout: 60_000 }, async () => {
  const server = await startEmbedded();
  try {
    const host = new URL(server.url).searchParams.get('host')!;
    const postmaster = Number(readFileSync(join(host, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const shared = sharedMemoryOf(postmaster);
    assert.ok(shared.files.length, `the server maps no /dev/shm segment: ${JSON.stringify(shared)}`);
    assert.ok(shared.keys.length, 'the server has no System V segment');
    // The postmaster and its backends, as the OOM killer or `kill -9` ends them.
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)], { encoding: 'utf8' })
      .split('\n')
      .map(Number)
      .filter(Boolean);
    for (const p of [postmaster, ...children]) process.kill(p, 'SIGKILL');
    // The run goes on until it ends (its server gone); then the server's folder goes, and its memory.
    await server[Symbol.asyncDispose]();
    const gone = await until(() => shared.files.every((f) => !existsSync(f)) && !segments(shared.keys).length);
    assert.ok(
      gone,
      `left behind: ${shared.files.filter((f) => existsSync(f)).join(', ')} ${segments(shared.keys).join(', ')}`,
    );
    assert.equal(existsSync(host), false, 'the instance folder is left');
  } finally {
    await server[Symbol.asyncDispose]();
  }
});

/** ps's processes, all or those `filter` picks (`--ppid <pid>`: its children); ps exits 1 when it lists nothing. */
function ps(...filter: string[]) {
  try {
    return execFileSync('ps', ['-o', 'pid=,comm=,args=', ...(filter.length ? filter : ['-e'])], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [pid, comm, ...args] = line.trim().split(/\s+/);
        return { pid: Number(pid), comm, args: args.join(' ') };
      });
  } catch {
    return [];
  }
}

/**
 * A CLI run in its own TMPDIR whose one migration sleeps for 30 s: resolves once it sleeps in its
 * session, with the run's postmaster (its arguments name the run's TMPDIR) and what it printed.
 */
async function sleepingRun(t: { after(fn: () => void): void }, name: string) {
  const temp = mkdtempSync(join(tmpdir(), `mc-${name}-`));
  chmodSync(temp, 0o711); // as root the server runs as nobody, who must pass through
  const dir = mkdtempSync(join(tmpdir(), `mc-${name}-dir-`));
  made.push(temp, dir);
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db', '0001_wait.up.sql'), 'SELECT pg_sleep(30);\n');
  writeFileSync(join(dir, 'db', '0001_wait.down.sql'), 'SELECT 1;\n');
  const child = spawn(process.execPath, [CLI, 'db', '--no-observe', '--no-seed'], {
    cwd: dir,
    env: { ...process.env, TMPDIR: temp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // A failed assertion must not leave the run sleeping.
  t.after(() => child.kill('SIGINT'));
  const postgres = () => ps().filter((p) => p.comm === 'postgres' && p.args.includes(`-D ${temp}/`));
  const sleeping = () =>
    postgres().find((pm) => ps('--ppid', String(pm.pid)).some((c) => / SELECT$/.test(c.args)))?.pid;
  assert.ok(await until(sleeping, 20_000), `the migration did not start: ${out.stderr}`);
  return { postmaster: sleeping()!, exited, out, postgres, temp };
}

test('the CLI whose server is killed mid-run says so: exit 2, no stack trace, nothing left', {
  skip,
  timeout: 60_000,
}, async (t) => {
  const { postmaster, exited, out, postgres } = await sleepingRun(t, 'killed');
  const shared = sharedMemoryOf(postmaster);
  const sessions = ps('--ppid', String(postmaster)).map((c) => c.pid);
  for (const p of [postmaster, ...sessions]) process.kill(p, 'SIGKILL');
  const code = await exited;
  assert.equal(code, 2, `${out.stdout}${out.stderr}\nkilled ${[postmaster, ...sessions].join(' ')}`);
  assert.match(out.stderr, /^migrate-check: The connection to the Postgres server ended during the run \(/);
  assert.match(out.stderr, /No verdict was reached; run the check again\.\n$/);
  assert.doesNotMatch(out.stderr, /bug|    at /);
  assert.ok(
    await until(() => shared.files.every((f) => !existsSync(f)) && !segments(shared.keys).length),
    'shared memory left',
  );
  assert.ok(await until(() => postgres().length === 0), 'a postgres process is left');
});

test('a server that does not stop when asked is killed after 8 s, and the run goes on to its end', {
  skip,
  timeout: 60_000,
}, async () => {
  // A process that starts a server, stops its postmaster (SIGSTOP: it takes no signal, as a hung
  // one), disposes of it and says so: the dispose waits for the watchdog's kill, and nothing else
  // keeps the process alive meanwhile.
  const temp = mkdtempSync(join(tmpdir(), 'mc-stuck-'));
  chmodSync(temp, 0o711);
  made.push(temp);
  const script = join(temp, 'stuck.ts');
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbedded } from ${JSON.stringify(join(ROOT, 'src', 'database', 'embedded.ts'))};
const server = await startEmbedded();
const host = new URL(server.url).searchParams.get('host');
const postmaster = Number(readFileSync(join(host, 'data', 'postmaster.pid'), 'utf8').split('\\n')[0]);
process.stdout.write(host + '\\n');
process.kill(postmaster, 'SIGSTOP');
await server[Symbol.asyncDispose]();
process.stdout.write('disposed\\n');
process.exitCode = 3;
`,
  );
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, TMPDIR: temp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const [host, said] = stdout.split('\n');
  assert.equal(said, 'disposed', `the dispose did not end: exit ${code}\n${stdout}${stderr}`);
  assert.equal(code, 3, stderr);
  assert.equal(existsSync(host!), false, 'the instance folder is left');
  assert.deepEqual(
    ps().filter((p) => p.comm === 'postgres' && p.args.includes(`-D ${host}/`)),
    [],
    'the stopped server is left',
  );
});

test('a run killed with its server and watchdog (kill -9 of all): the next run frees their memory', {
  skip,
  timeout: 90_000,
}, async (t) => {
  const temp = mkdtempSync(join(tmpdir(), 'mc-killed-all-'));
  chmodSync(temp, 0o711);
  const dir = mkdtempSync(join(tmpdir(), 'mc-killed-all-dir-'));
  made.push(temp, dir);
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db', '0001_wait.up.sql'), 'SELECT pg_sleep(30);\n');
  writeFileSync(join(dir, 'db', '0001_wait.down.sql'), 'SELECT 1;\n');
  const env = { ...process.env, TMPDIR: temp };
  const child = spawn(process.execPath, [CLI, 'db', '--no-observe', '--no-seed'], { cwd: dir, env, stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const processes = () =>
    execFileSync('ps', ['-eo', 'pid=,ppid=,comm=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [pid, ppid, comm, ...args] = line.trim().split(/\s+/);
        return { pid: Number(pid), ppid: Number(ppid), comm, args: args.join(' ') };
      });
  const postmaster = () => processes().find((p) => p.comm === 'postgres' && p.args.includes(`-D ${temp}/`));
  const sleeping = () => {
    const pm = postmaster();
    return pm && processes().some((p) => p.ppid === pm.pid && / SELECT$/.test(p.args)) ? pm : undefined;
  };
  assert.ok(await until(sleeping, 20_000), 'the migration did not start');
  const pm = sleeping()!;
  const shared = sharedMemoryOf(pm.pid);
  const instances = () => readdirSync(temp).filter((n) => n.startsWith('migrate-check-run-'));
  const folders = instances();
  assert.equal(folders.length, 1, `instance folders: ${folders}`);
  // The watchdog's process group holds the server and its sessions: all of it at once, and the run.
  process.kill(-pm.ppid, 'SIGKILL');
  child.kill('SIGKILL');
  await exited;
  assert.ok(await until(() => !postmaster()), 'the killed server is still running');
  assert.ok(
    shared.files.every((f) => existsSync(f)),
    'nothing was left to free: the kill did not reach the watchdog',
  );
  assert.deepEqual(instances(), folders, 'the instance folder went before the next run');

  // What the next run does first, before its own server starts.
  const user = await runUser();
  const binaries = await locateBinaries({ major: BUNDLED_MAJOR, mustBeTraversable: user !== null });
  assert.equal(await sweepInstances(temp, binaries, user), 1);
  assert.deepEqual(
    shared.files.filter((f) => existsSync(f)),
    [],
    'the killed server’s /dev/shm segments are left',
  );
  assert.deepEqual(segments(shared.keys), [], 'the killed server’s System V segment is left');
  assert.deepEqual(instances(), [], 'the killed run’s instance folder is left');
});

test("a migration that ends the database's other sessions (pg_terminate_backend) is named, with how to check it", {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-terminate-'));
  made.push(dir);
  mkdirSync(join(dir, 'db'));
  const write = (name: string, sql: string) => writeFileSync(join(dir, 'db', name), `${sql}\n`);
  write('0001_t.up.sql', 'CREATE TABLE t (id int);');
  write('0001_t.down.sql', 'DROP TABLE t;');
  // What a migration does to clear the application's connections out before an exclusive change.
  const clear = `SELECT pg_terminate_backend(pid)\n  FROM pg_stat_activity\n WHERE datname = current_database() AND pid <> pg_backend_pid()`;
  write('0002_clear.up.sql', `-- no one else on the database\n${clear};`);
  write('0002_clear.down.sql', 'SELECT 1;');
  write('0003_u.up.sql', 'CREATE TABLE u (id int);');
  write('0003_u.down.sql', 'DROP TABLE u;');
  const ended = await cli(['db'], { cwd: dir });
  assert.equal(ended.code, 2, ended.stderr);
  assert.match(
    ended.stderr,
    /^migrate-check: db\/0002_clear\.up\.sql:2: pg_terminate_backend\(\) ended the sessions migrate-check reads the database with \(/,
  );
  assert.match(ended.stderr, /`AND application_name NOT LIKE 'migrate-check%'` in its WHERE clause\.\n$/);
  assert.doesNotMatch(ended.stderr, /bug|    at /);

  // The fix it gives: the check runs through, and the call is told as acting outside the database.
  write('0002_clear.up.sql', `${clear}\n   AND application_name NOT LIKE 'migrate-check%';`);
  const checked = await cli(['db', '--output', 'json'], { cwd: dir });
  assert.equal(checked.code, 0, checked.stderr);
  const report = JSON.parse(checked.stdout) as Report;
  assert.equal(report.directories[0]!.steps.length, 9);
  assert.deepEqual(
    report.findings.map((f) => `${f.check} ${f.file}:${f.line}`),
    ['outside-database db/0002_clear.up.sql:1'],
  );
});
