// Directories replayed side by side (`jobs`): the same report as one after the other, what one
// directory does to the cluster is never reported on another's, and the servers started for them
// are gone after the run.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { FIXTURES, query, sharedServer } from './helpers.ts';

const server = sharedServer();
// One directory changes the cluster (a role), the others do not: on one server, side by side,
// the role would show in whichever directory's snapshot of the cluster came next.
const PATHS = ['golang-migrate/outside-database', 'golang-migrate/clean', 'golang-migrate/column-order'].map((d) =>
  join(FIXTURES, d),
);

/** The report without what differs between any two runs (times). */
function comparable(report: Report) {
  return {
    ok: report.ok,
    findings: report.findings.map(({ check, file, line, severity, message }) => ({
      check,
      file,
      line,
      severity,
      message: message.replace(/\d+(\.\d+)? ?ms\b/g, '<ms>'),
    })),
    steps: report.directories.map((d) => [d.path, d.steps.map((s) => `${s.version} ${s.direction} ${s.status}`)]),
  };
}

// This process's (other test files start servers in the same TMPDIR).
const instanceFolders = () => readdirSync(tmpdir()).filter((n) => n.startsWith(`migrate-check-run-${process.pid}-`));

test('jobs: directories side by side give the report of one after the other, each with its own cluster', async () => {
  const before = instanceFolders();
  const args = [...PATHS, '--output', 'json', '--no-observe', '--no-seed'];
  const one = await cliInProcess([...args, '--jobs', '1'], { server: server() });
  const side = await cliInProcess([...args, '--jobs', '3'], { server: server() });
  assert.equal(side.code, one.code, side.stderr);
  const [a, b] = [JSON.parse(one.stdout) as Report, JSON.parse(side.stdout) as Report];
  assert.deepEqual(comparable(b), comparable(a));
  const roles = b.findings.filter((f) => f.check === 'outside-database');
  assert.ok(roles.length > 0, 'the role was not reported');
  for (const f of roles) assert.match(f.file ?? '', /outside-database\//, `reported on another directory: ${f.file}`);
  // The servers started for the other directories are stopped and their folders removed.
  assert.deepEqual(
    instanceFolders().filter((n) => !before.includes(n)),
    [],
  );
});

test("jobs: on a server of the user's, directories side by side share it, each in its own database, as its run role", async () => {
  const url = server().url;
  const host = new URL(url).searchParams.get('host')!;
  await query(url, "CREATE ROLE mc_jobs LOGIN CREATEDB CREATEROLE PASSWORD 'pw'");
  try {
    const mine = `postgres://mc_jobs:pw@localhost/postgres?host=${encodeURIComponent(host)}`;
    const args = [...PATHS, '--database-url', mine, '--output', 'json', '--no-observe', '--no-seed'];
    const one = await cliInProcess([...args, '--jobs', '1'], { server: server() });
    const side = await cliInProcess([...args, '--jobs', '3'], { server: server() });
    assert.equal(side.code, one.code, side.stderr);
    assert.deepEqual(comparable(JSON.parse(side.stdout) as Report), comparable(JSON.parse(one.stdout) as Report));
    const left = await query<{ n: string }>(
      url,
      "SELECT datname AS n FROM pg_database WHERE datname LIKE 'migrate\\_check\\_%' " +
        "UNION ALL SELECT rolname FROM pg_roles WHERE rolname LIKE 'migrate\\_check\\_run\\_%'",
    );
    assert.deepEqual(left, [], 'scratch databases or run roles left on the server');
  } finally {
    await query(url, 'DROP ROLE mc_jobs');
  }
});

test('jobs: a value that is not a number of directories is refused with what to write', async () => {
  const run = await cliInProcess([PATHS[0]!, '--jobs', '0'], { server: server() });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /`jobs` is the text "0"; it must be a number of directories from 1 to 64, e\.g\. 2/);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
});
