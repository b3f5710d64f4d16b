import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

// Runs killed at random moments (while the template is made, the cluster copied, the server
// started or stopped) leave nothing behind: SIGINT/SIGTERM clean up at once, and after a
// SIGKILL the watchdog or the next start does.

const here = (file: string) => JSON.stringify(new URL(file, import.meta.url).href);
// Starts and disposes servers until interrupted, with the CLI's own signal handling.
const SCRIPT = `import { startEmbedded } from ${here('./embedded.ts')};
import { cleanupAll } from ${here('./lifetime.ts')};
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => void cleanupAll().finally(() => process.exit(code)));
}
do {
  const server = await startEmbedded();
  await server[Symbol.asyncDispose]();
} while (!process.env.ONCE);`;

test('embedded: interrupted and killed runs leave no folder and no process behind', { timeout: 120_000 }, async (t) => {
  const temp = mkdtempSync(join(tmpdir(), 'mc-kill-'));
  chmodSync(temp, 0o711); // as root the server runs as nobody, who must pass through
  const cache = mkdtempSync(join(tmpdir(), 'mc-kill-cache-'));
  t.after(() => {
    rmSync(temp, { recursive: true, force: true, maxRetries: 5 });
    rmSync(cache, { recursive: true, force: true, maxRetries: 5 });
  });
  const env = { ...process.env, TMPDIR: temp, MIGRATE_CHECK_CACHE: cache };

  const runOnce = (signal: NodeJS.Signals | null, delayMs: number, extra: NodeJS.ProcessEnv = {}) =>
    new Promise<number | string | null>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
        env: { ...env, ...extra },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = signal ? setTimeout(() => child.kill(signal), delayMs) : undefined;
      child.on('exit', (code, sig) => {
        clearTimeout(timer);
        if (!signal && code !== 0) resolve(`exit ${code}: ${stderr}`);
        else resolve(code ?? sig);
      });
    });
  const leftovers = () => [
    ...readdirSync(temp).filter((n) => /^migrate-check-(run|init)-|\.partial-/.test(n)),
    ...(existsSync(join(cache, 'clusters')) ? readdirSync(join(cache, 'clusters')) : [])
      .filter((n) => /\.(partial|stale)-/.test(n))
      .map((n) => `cache/${n}`),
  ];
  const processes = () =>
    execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(temp) && !line.includes(' ps '));
  const random = (ms: number) => Math.floor(Math.random() * ms);

  // Cold cache first: these land while the template cluster is being made.
  for (let i = 0; i < 4; i++) await runOnce(i % 2 ? 'SIGTERM' : 'SIGINT', 300 + random(1200));
  assert.equal(await runOnce(null, 0, { ONCE: '1' }), 0, 'a normal start after the interrupts');
  // Two at a time: runs sharing a TMPDIR must not sweep each other's live folders either.
  for (let i = 0; i < 13; i++) await Promise.all([runOnce('SIGINT', random(1500)), runOnce('SIGTERM', random(1500))]);
  assert.deepEqual(leftovers(), [], 'SIGINT/SIGTERM must clean up before exiting');
  assert.deepEqual(processes(), [], 'no postgres, initdb or cp may outlive an interrupted run');

  for (let i = 0; i < 10; i++) await runOnce('SIGKILL', random(1500));
  assert.equal(await runOnce(null, 0, { ONCE: '1' }), 0, 'a normal start after the kills');
  const deadline = Date.now() + 5_000;
  while ((leftovers().length || processes().length) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(leftovers(), [], 'the next start sweeps what killed runs left');
  assert.deepEqual(processes(), []);
});

test('embedded: a server interrupted the moment it starts is stopped, before it has its own SIGINT handler', {
  timeout: 120_000,
}, async () => {
  // The watchdog's pipe closes 1–8 ms after the spawn (node interrupted then): postgres, a
  // background job of the shell, still ignores SIGINT for its first milliseconds.
  const { serverCommand, startEmbedded, watched } = await import('./embedded.ts');
  const { templatePath } = await import('./embedded-cluster.ts');
  const server = await startEmbedded();
  const { binaries, user } = server;
  await server[Symbol.asyncDispose]();
  // As root the server runs as nobody, whose watchdog removes its folder from this one.
  const temp = mkdtempSync(join(tmpdir(), 'mc-watchdog-'));
  chmodSync(temp, 0o711);
  if (user) execFileSync('chown', [`${user.uid}:${user.gid}`, temp]);
  try {
    const stuck: string[] = [];
    for (let round = 0; round < 8; round++) {
      const dir = join(temp, `instance-${round}`);
      execFileSync('cp', ['-a', templatePath(binaries, user), dir]);
      execFileSync('chmod', ['-R', 'u+w', dir]);
      if (user) execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
      const child = watched(dir, serverCommand(binaries.binDir, dir), user);
      await new Promise((r) => setTimeout(r, round + 1));
      child.stdin!.end();
      const exited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      const running = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes(dir) && !line.includes(' ps '));
      if (!exited || running.length || existsSync(dir)) stuck.push(`round ${round}: ${running.join('; ') || dir}`);
      for (const line of running) process.kill(Number(line.trim().split(' ')[0]), 'SIGKILL');
    }
    assert.deepEqual(stuck, [], 'every server stopped and its folder went within 10 s');
  } finally {
    rmSync(temp, { recursive: true, force: true, maxRetries: 5 });
  }
});
