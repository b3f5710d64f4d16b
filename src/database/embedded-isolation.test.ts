import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { query } from '../../test/helpers.ts';
import { ToolError } from '../errors.ts';
import { startEmbedded, type EmbeddedServer } from './embedded.ts';

// What a migration, running as the embedded server's superuser, can and cannot reach.

const asRoot = process.getuid?.() === 0;
const nobodyUid = asRoot ? Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })) : -1;
const instanceDir = (server: EmbeddedServer) => decodeURIComponent(new URL(server.url).searchParams.get('host')!);

/** Sets environment variables for one test, restoring them afterwards. */
function withEnv(t: TestContext, vars: Record<string, string | undefined>): void {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  t.after(() => set(previous));
}

function privateFolder(t: TestContext, prefix: string, mode = 0o755): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, mode);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('embedded: the server and its shell commands see none of the tool’s environment', async (t) => {
  withEnv(t, { MIGRATE_CHECK_TEST_SECRET: 'ghp_not-a-real-token-0123456789', AWS_SECRET_ACCESS_KEY: 'not-a-real-key' });
  await using server = await startEmbedded();
  const file = join(instanceDir(server), 'env.txt');
  // The program reads its input first: one that exits before COPY has written fails with a broken pipe.
  await query(server.url, `COPY (SELECT 1) TO PROGRAM 'cat > /dev/null; env > ${file}'`);
  const env = readFileSync(file, 'utf8');
  assert.doesNotMatch(env, /MIGRATE_CHECK_TEST_SECRET|ghp_|AWS_SECRET/);
  const names = env
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('=')[0]!);
  // What Postgres and sh add themselves, plus what serverEnvironment passes.
  const expected = new Set([
    'PATH',
    'LANG',
    'LC_ALL',
    'HOME',
    'TZ',
    'LD_LIBRARY_PATH',
    'PWD',
    'SHLVL',
    'OLDPWD',
    '_',
    'PGDATA',
    'PGLOCALEDIR',
    'PGSYSCONFDIR',
    'PG_GRANDPARENT_PID',
    'PG_OOM_ADJUST_FILE',
    'PG_OOM_ADJUST_VALUE',
  ]);
  assert.deepEqual(
    names.filter((n) => !expected.has(n) && !n.startsWith('LC_')),
    [],
    `unexpected variables reach the server:\n${env}`,
  );
  if (asRoot) {
    // As root the server is `nobody`, who cannot read migrate-check's own process environment either.
    await assert.rejects(
      query(server.url, `COPY (SELECT 1) TO PROGRAM 'cat /proc/${process.pid}/environ > ${file}.proc'`),
      /program .* failed/,
    );
  }
});

test('embedded: the instance folder is private to the run (0700, owned by the server user)', async () => {
  await using server = await startEmbedded();
  const dir = instanceDir(server);
  for (const path of [dir, join(dir, 'data')]) {
    const info = statSync(path);
    assert.equal((info.mode & 0o777).toString(8), '700', `${path} mode`);
    assert.equal(info.uid, asRoot ? nobodyUid : process.getuid!(), `${path} owner`);
  }
  if (asRoot) {
    // Another unprivileged user (daemon) cannot look inside.
    assert.throws(() => execFileSync('ls', [dir], { uid: 1, gid: 1, stdio: 'pipe' }), /Permission denied/);
  }
});

test('embedded: a changed template cluster is rebuilt, and nothing written to it takes effect', async (t) => {
  const cache = privateFolder(t, 'mc-template-');
  withEnv(t, { MIGRATE_CHECK_CACHE: cache });
  const template = () => {
    const [name] = readdirSync(join(cache, 'clusters')).filter((n) => !/\.(partial|stale)-/.test(n));
    const root = join(cache, 'clusters', name!);
    return readdirSync(root).includes('data') ? join(root, 'data') : root;
  };
  {
    await using server = await startEmbedded();
    if (asRoot) {
      // The server (nobody) cannot write the template, even where it could reach the cache folder.
      const auto = join(template(), 'postgresql.auto.conf');
      await assert.rejects(query(server.url, `COPY (SELECT 'work_mem = ''66MB''') TO '${auto}'`), /Permission denied/);
    }
  }
  const writable = execFileSync('find', [template(), '-perm', '/222'], { encoding: 'utf8' }).trim();
  assert.equal(writable, '', 'the template is sealed read-only');

  // Changed from outside, as a server running as the cache's owner could do.
  const conf = join(template(), 'postgresql.conf');
  chmodSync(conf, 0o600);
  appendFileSync(conf, "\nwork_mem = '77MB'\n");
  const lines: string[] = [];
  await using server = await startEmbedded({ progress: (line) => lines.push(line) });
  const [row] = await query<{ work_mem: string }>(server.url, 'SHOW work_mem');
  assert.notEqual(row!.work_mem, '77MB', 'the setting written to the template must not be in effect');
  assert.doesNotMatch(readFileSync(join(template(), 'postgresql.conf'), 'utf8'), /77MB/);
  assert.equal(
    lines.filter((l) => /template cluster had been changed .*postgresql\.conf.*rebuilt/.test(l)).length,
    1,
    lines.join('\n'),
  );
});

test('embedded: an unwritable cache folder is named, with what to set', async (t) => {
  withEnv(t, { MIGRATE_CHECK_CACHE: undefined, XDG_CACHE_HOME: '/proc' });
  await assert.rejects(startEmbedded(), (error: Error) => {
    assert.ok(error instanceof ToolError, `a ToolError, not ${error.stack}`);
    assert.match(error.message, /cache folder \/proc\/migrate-check.*Set MIGRATE_CHECK_CACHE \(or XDG_CACHE_HOME\)/);
    return true;
  });
  withEnv(t, { XDG_CACHE_HOME: undefined, HOME: '/proc' });
  await assert.rejects(startEmbedded(), /cache folder \/proc\/\.cache\/migrate-check/);
});

test('embedded: a TMPDIR that does not exist is named, with what to set', async (t) => {
  withEnv(t, { TMPDIR: '/nonexistent/migrate-check-tmp' });
  await assert.rejects(startEmbedded(), (error: Error) => {
    assert.ok(error instanceof ToolError, `a ToolError, not ${error.stack}`);
    assert.match(
      error.message,
      /temporary folder \/nonexistent\/migrate-check-tmp \(from TMPDIR\) does not exist.*Set TMPDIR/,
    );
    return true;
  });
});

test('embedded: as root, a TMPDIR that nobody can enter is named, with what to set', {
  skip: asRoot ? false : 'only as root',
}, async (t) => {
  const temp = privateFolder(t, 'mc-closed-tmp-', 0o700);
  withEnv(t, { TMPDIR: temp });
  await assert.rejects(startEmbedded(), /cannot be entered by other users.*chmod o\+x/);
});

// As an ordinary user the server runs as that same user, who owns the cache: the seal and the
// manifest are what protect later runs. Staged by running a start as `nobody` from root.
test('embedded: as an ordinary user, a migration cannot write the template, and a shell-level change is undone', {
  skip: asRoot ? false : 'needs root to start a run as another user',
}, async (t) => {
  const home = privateFolder(t, 'mc-user-home-');
  execFileSync('chown', [`${nobodyUid}:${nobodyUid}`, home]);
  const script = `import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
const pg = createRequire(${JSON.stringify(join(import.meta.dirname, '..', '..', 'package.json'))})('pg');
const { startEmbedded } = await import(${JSON.stringify(new URL('./embedded.ts', import.meta.url).href)});
const clusters = process.env.HOME + '/.cache/migrate-check/clusters/';
const lines = [];
const sql = async (text) => {
  await using server = await startEmbedded({ progress: (l) => lines.push(l) });
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try { return (await client.query(text)).rows; }
  catch (error) { return error.message; }
  finally { await client.end(); }
};
const template = () => clusters + readdirSync(clusters).find((n) => n.endsWith('-sealed')) + '/data';
await sql('SELECT 1');
const copy = await sql("COPY (SELECT 'work_mem = ''66MB''') TO '" + template() + "/postgresql.auto.conf'");
await sql("COPY (SELECT 1) TO PROGRAM 'chmod u+w " + template() + "/postgresql.conf; " +
  "echo \\"work_mem = ''55MB''\\" >> " + template() + "/postgresql.conf'");
const [after] = await sql('SHOW work_mem');
console.log(JSON.stringify({ copy, workMem: after.work_mem, lines }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    uid: nobodyUid,
    gid: nobodyUid,
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, TMPDIR: tmpdir() },
    encoding: 'utf8',
  });
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as { copy: string; workMem: string; lines: string[] };
  assert.match(result.copy, /could not open file .*postgresql\.auto\.conf.* for writing: Permission denied/);
  assert.equal(result.workMem, '4MB');
  assert.equal(
    result.lines.filter((l) => /had been changed .*\(postgresql\.conf\); rebuilt/.test(l)).length,
    1,
    result.lines.join('\n'),
  );
});
