// Directories replayed in one database (an application beside a library's migrations): each
// prerequisites file runs once, and a directory that stopped does not feed noise into the next.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULTS, type Config } from '../src/config.ts';
import { memoryDirectory } from '../src/files/directory.ts';
import { run } from '../src/run.ts';
import { sharedServer } from './helpers.ts';

const server = sharedServer();

const FOLDERS: Record<string, Record<string, string>> = {
  // Roles are cluster-wide: each test creates its own on the shared server.
  setup: { 'roles.sql': 'CREATE ROLE app_owner NOLOGIN;', 'roles-2.sql': 'CREATE ROLE app_owner_2 NOLOGIN;' },
  lib: { '0001_jobs.up.sql': 'CREATE TABLE jobs (id int);', '0001_jobs.down.sql': 'DROP TABLE jobs;' },
  app: { '0001_users.up.sql': 'CREATE TABLE users (id int, job int);', '0001_users.down.sql': 'DROP TABLE users;' },
  broken: { '0001_vec.up.sql': 'CREATE EXTENSION vector;', '0001_vec.down.sql': 'DROP EXTENSION vector;' },
};

const check = (paths: string[], prerequisites: string) =>
  run({ ...DEFAULTS, paths, sameDatabase: true, prerequisites: [prerequisites] } as Config, {
    directory: (p) => memoryDirectory(p, FOLDERS[p]!),
    startServer: async () => ({ ...server(), [Symbol.asyncDispose]: async () => {} }),
  });

test('same-database: a prerequisites file shared by every directory runs once', async () => {
  const report = await check(['lib', 'app'], 'setup/roles.sql');
  assert.deepEqual(report.findings, []);
  const preludeSteps = report.directories.flatMap((d) =>
    d.steps.filter((s) => s.version === 'prerequisites').map((s) => `${d.path} ${s.status}`),
  );
  assert.deepEqual(preludeSteps, ['lib ok']);
});

test('same-database: after a directory stops, the ones after it are not replayed, and the report says why', async () => {
  const report = await check(['broken', 'app'], 'setup/roles-2.sql');
  assert.deepEqual(
    report.findings.map((f) => f.check),
    ['missing-extension'],
    JSON.stringify(report.findings),
  );
  const app = report.directories.find((d) => d.path === 'app')!;
  assert.deepEqual(app.steps, []);
  assert.deepEqual(app.notChecked, [
    {
      versions: ['0001'],
      reason:
        'the replay of broken stopped before its end, and the directories after it share its database (same-database)',
    },
  ]);
});
