import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { query } from '../../test/helpers.ts';
import { databaseConformance } from './conformance.ts';
import { startEmbedded, type EmbeddedServer } from './embedded.ts';
import { sweepStale, sweepStaging } from './embedded-folders.ts';
import { alive } from './lifetime.ts';

databaseConformance(
  'embedded',
  () => startEmbedded(),
  async (server) =>
    (await query<{ datname: string }>((server as EmbeddedServer).url, 'SELECT datname FROM pg_database')).map(
      (r) => r.datname,
    ),
);

test('embedded: runs as a superuser on a unix socket only, with durability off', async () => {
  await using server = await startEmbedded();
  const [row] = await query<Record<string, string>>(
    server.url,
    "SELECT current_setting('listen_addresses') AS listen, current_setting('fsync') AS " +
      "fsync, current_setting('synchronous_commit') AS sc, current_setting('full_page_writes') " +
      'AS fpw, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)::text AS su',
  );
  assert.deepEqual(row, { listen: '', fsync: 'off', sc: 'off', fpw: 'off', su: 'true' });
});

test('embedded: a SIGKILLed owner leaves no Postgres running and no folder behind', async () => {
  const script = `import { startEmbedded } from ${JSON.stringify(new URL('./embedded.ts', import.meta.url).href)};
const s = await startEmbedded();
const dir = decodeURIComponent(new URL(s.url).searchParams.get('host'));
const pid = (await import('node:fs')).readFileSync(dir + '/data/postmaster.pid', 'utf8').split('\\n')[0];
console.log(JSON.stringify({ dir, pid: Number(pid) }));
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => child.stdout.setEncoding('utf8').once('data', resolve));
  const { dir, pid } = JSON.parse(line) as { dir: string; pid: number };
  assert.ok(alive(pid), 'the server should be running before the kill');
  child.kill('SIGKILL');
  const deadline = Date.now() + 10_000;
  while ((alive(pid) || existsSync(dir)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(alive(pid), false, `postgres ${pid} is still running after its owner was killed`);
  assert.equal(existsSync(dir), false, `${dir} was not removed`);
});

test('embedded: stale instance folders of dead runs are swept, live ones kept', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sweep-test-'));
  try {
    await mkdir(join(root, 'migrate-check-run-AAAAAA'));
    await writeFile(join(root, 'migrate-check-run-AAAAAA', 'owner.pid'), '999999999');
    await mkdir(join(root, 'migrate-check-run-BBBBBB'));
    await writeFile(join(root, 'migrate-check-run-BBBBBB', 'owner.pid'), String(process.pid));
    await mkdir(join(root, 'unrelated-folder'));
    // Killed before its owner file was written: the pid in its name is dead.
    await mkdir(join(root, 'migrate-check-init-999999999-CCCCCC'));
    // Another machine sharing this TMPDIR: its pids mean nothing here.
    await mkdir(join(root, 'migrate-check-run-999999999-DDDDDD'));
    await writeFile(join(root, 'migrate-check-run-999999999-DDDDDD', 'owner.pid'), 'some-other-host:999999999');
    await mkdir(join(root, `migrate-check-run-${process.pid}-EEEEEE`));
    assert.equal(await sweepStale(root), 2);
    assert.deepEqual(
      readdirSync(root).sort(),
      [
        'migrate-check-run-999999999-DDDDDD',
        'migrate-check-run-BBBBBB',
        `migrate-check-run-${process.pid}-EEEEEE`,
        'unrelated-folder',
      ].sort(),
    );
    // Staging folders in the cache: a dead process's go, a live one's stay.
    await mkdir(join(root, '17.10.0-sealed.partial-999999999'));
    await mkdir(join(root, '17.10.0-sealed.stale-999999999'));
    await mkdir(join(root, `17.10.0-sealed.partial-${process.pid}`));
    assert.equal(await sweepStaging([root]), 2);
    assert.ok(existsSync(join(root, `17.10.0-sealed.partial-${process.pid}`)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
