import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { AdminLink } from './admin-link.ts';
import { startEmbedded } from './embedded.ts';

test('the admin connection, lost on a server that no longer answers, waits for it once, not once per query', {
  timeout: 60_000,
}, async () => {
  await using server = await startEmbedded();
  const client = new pg.Client({ connectionString: server.url });
  let lost = false;
  client.on('error', () => (lost = true));
  client.on('end', () => (lost = true));
  await client.connect();
  const link = new AdminLink(client, 1_000);
  const backend = (await link.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  assert.equal((await link.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);

  // The postmaster stops taking anything (as a hung one), and the link's session is gone.
  const host = new URL(server.url).searchParams.get('host')!;
  const postmaster = Number(readFileSync(join(host, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(postmaster, 'SIGSTOP');
  try {
    process.kill(backend, 'SIGKILL');
    for (let i = 0; i < 100 && !lost; i++) await sleep(50);
    assert.ok(lost, 'the admin connection did not see its session end');

    // The first query tries to connect again, to its database and then template1: both time out.
    let started = performance.now();
    await assert.rejects(link.query('SELECT 1'));
    const first = performance.now() - started;
    assert.ok(first >= 1_900, `the first query did not wait for a reconnection (${Math.round(first)} ms)`);
    // The next ones (a scratch database each, when a run drops them) do not wait again.
    started = performance.now();
    await assert.rejects(link.query('SELECT 1'));
    await assert.rejects(link.query('SELECT 1'));
    const next = performance.now() - started;
    assert.ok(next < 1_000, `the next queries waited for reconnections again (${Math.round(next)} ms)`);
  } finally {
    process.kill(postmaster, 'SIGCONT');
    await link.end();
  }
});
