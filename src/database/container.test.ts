import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import { dockerUnavailable, labelledContainers } from '../../test/helpers.ts';
import { databaseConformance } from './conformance.ts';
import { dataDirectory, startContainer, startFailure } from './container.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';

// The container provider against the real Docker engine that `.ci/run` starts
// (../shared/test-env/docker-postgres.sh builds a Postgres image locally: no registry here).
const skip = dockerUnavailable();
if (skip) {
  test('container provider', { skip }, () => {});
} else {
  const image = process.env.MIGRATE_CHECK_TEST_IMAGE!;
  // Asks the running container itself (docker exec psql), from outside the provider.
  const listDatabases = async () => {
    const id = execFileSync(
      'docker',
      ['ps', '-q', '--filter', `label=dev.migrate-check.owner=${hostname()}:${process.pid}`],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n')[0];
    if (!id) throw new Error('no container');
    return execFileSync('docker', ['exec', id, 'psql', '-U', 'postgres', '-Atc', 'SELECT datname FROM pg_database'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
  };
  databaseConformance('container', () => startContainer({ image }), listDatabases);

  test('container: the container is removed when the server is disposed; its data directory was on tmpfs', async () => {
    const server = await startContainer({ image });
    let fs = '';
    try {
      const id = labelledContainers(process.pid);
      assert.notEqual(id, '');
      assert.equal(server.provider, 'container');
      fs = execFileSync('docker', ['exec', id, 'sh', '-c', 'stat -f -c %T "$PGDATA"'], { encoding: 'utf8' }).trim();
    } finally {
      await server[Symbol.asyncDispose]();
    }
    assert.equal(labelledContainers(process.pid), '');
    assert.equal(fs, 'tmpfs', 'the data directory is on tmpfs');
  });

  test('container: Ctrl-C during a migration removes the container', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { spawn } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'mc-slow-'));
    writeFileSync(join(dir, '1_slow.up.sql'), 'SELECT pg_sleep(60);');
    try {
      const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli.cjs');
      const child = spawn(process.execPath, [cli, dir, '--database', 'container', '--postgres-image', image], {
        stdio: 'ignore',
      });
      let seen = false;
      for (let i = 0; i < 150 && !seen; i++) {
        await new Promise((r) => setTimeout(r, 200));
        seen = labelledContainers(child.pid) !== '';
      }
      assert.ok(seen, 'the container never started');
      await new Promise((r) => setTimeout(r, 2_000)); // let the slow migration start
      child.kill('SIGINT');
      const code = await new Promise((r) => child.on('exit', r));
      assert.equal(code, 130);
      assert.equal(labelledContainers(child.pid), '', 'the container is gone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    'container: a killed run’s container is removed by ' + 'the next start; live and other hosts’ ones are kept',
    async (t) => {
      const { spawn } = await import('node:child_process');
      const { hostname } = await import('node:os');
      const script = `import { startContainer } from ${JSON.stringify(new URL('./container.ts', import.meta.url).href)};
await startContainer({ image: process.env.MIGRATE_CHECK_TEST_IMAGE });
console.log('started');
setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const line = await new Promise<string>((resolve) => {
        child.stdout.setEncoding('utf8').once('data', resolve);
        child.once('exit', () => resolve('exited'));
      });
      assert.equal(line.trim(), 'started');
      const ownedBy = (owner: string) =>
        execFileSync('docker', ['ps', '-aq', '--filter', `label=dev.migrate-check.owner=${owner}`], {
          encoding: 'utf8',
        }).trim();
      const killed = ownedBy(`${hostname()}:${child.pid}`);
      assert.notEqual(killed, '', 'the child started a labelled container');
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // Containers of a live run (this test) and of another host: never removed.
      const create = (owner: string) =>
        execFileSync(
          'docker',
          ['create', '--label', 'dev.migrate-check=true', '--label', `dev.migrate-check.owner=${owner}`, image],
          { encoding: 'utf8' },
        ).trim();
      const live = create(`${hostname()}:${process.pid}`);
      const otherHost = create('some-other-host:999999999');
      t.after(() => execFileSync('docker', ['rm', '-f', live, otherHost], { stdio: 'ignore' }));
      assert.equal(ownedBy(`${hostname()}:${child.pid}`), killed, 'the killed run left its container');

      const lines: string[] = [];
      const server = await startContainer({ image, progress: (l) => lines.push(l) });
      await server[Symbol.asyncDispose]();
      assert.equal(ownedBy(`${hostname()}:${child.pid}`), '', 'the killed run’s container is gone');
      assert.match(
        lines.join('\n'),
        /Removed \d+ Postgres containers? left by an earlier migrate-check run that was killed/,
      );
      assert.equal(ownedBy(`${hostname()}:${process.pid}`), live.slice(0, 12));
      assert.equal(ownedBy('some-other-host:999999999'), otherHost.slice(0, 12));
    },
  );

  test('container: an image that does not exist says so, with the alternatives', async () => {
    await assert.rejects(
      startContainer({ image: 'migrate-check-test/no-such-image:1' }),
      new RegExp(
        /Could not start a Postgres container from `migrate-check-test\/no-such-image:1`: /.source +
          /.*postgres-image.*database: embedded/.source,
        's',
      ),
    );
    assert.equal(labelledContainers(process.pid), '');
  });
}

// testcontainers' own words when no engine answers (it falls back to the default socket, so a
// missing engine cannot be staged on a machine that has one).
test('container: no Docker → a clear message naming embedded and database-url', () => {
  const error = startFailure('postgres:17-alpine', new Error('Could not find a working container runtime strategy'));
  assert.match(error.message, /could not reach Docker .*`database: embedded`.*`database-url`/s);
});

test('container: the tmpfs goes on the volume the image declares around its PGDATA, else on PGDATA', () => {
  // The official images up to 17, and from 18 (PGDATA moved under the volume /var/lib/postgresql).
  const data = '/var/lib/postgresql/data';
  assert.equal(dataDirectory('postgres:17-alpine', { volumes: [data], pgdata: data }), data);
  assert.equal(
    dataDirectory('postgres:latest', { volumes: ['/var/lib/postgresql'], pgdata: '/var/lib/postgresql/18/docker' }),
    '/var/lib/postgresql',
  );
  // An image that declares no volume, or keeps its data elsewhere: PGDATA itself.
  assert.equal(dataDirectory('acme/pg:15', { volumes: [], pgdata: data }), data);
  assert.equal(dataDirectory('acme/pg:15', { volumes: [data], pgdata: '/pgdata' }), '/pgdata');
  // Not inspected: a guess from the tag.
  assert.equal(dataDirectory('postgres:18-alpine', null), '/var/lib/postgresql');
  assert.equal(dataDirectory('pgvector/pgvector:pg17', null), data);
});
