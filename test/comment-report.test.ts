// What the PR comment shows of a real run (the CLI in this process, real Postgres, a git base):
// the base → PR schema diff of a failing run, ordered per table.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { rmSync } from 'node:fs';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { repo, sharedServer } from './helpers.ts';

const server = sharedServer();
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const BASE = {
  'db/0001_create_users.up.sql': 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n',
  'db/0001_create_users.down.sql': 'DROP TABLE users;\n',
};

test('a failing roundtrip still diffs everything the PR creates, each table with its columns and indexes', async () => {
  const dir = repo(BASE, (d) => {
    writeFileSync(join(d, 'db', '0002_teams.up.sql'), 'CREATE TABLE teams (id bigint PRIMARY KEY, name text);\n');
    writeFileSync(join(d, 'db', '0002_teams.down.sql'), 'DROPP TABLE teams;\n');
    writeFileSync(join(d, 'db', '0003_orgs.up.sql'), 'CREATE TABLE orgs (id bigint, slug text);\n');
    writeFileSync(join(d, 'db', '0003_orgs.down.sql'), 'DROP TABLE orgs;\n');
  });
  made.push(dir);
  // Rolling back the whole directory drops orgs, then stops at the broken down of teams.
  const run = await cliInProcess(['db', '--base', 'main', '--roundtrip', 'all', '--output', 'json'], {
    server: server(),
    cwd: dir,
  });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as Report;
  const { diff, summary } = report.directories[0]!.schema;
  assert.deepEqual(summary?.table?.added, ['public.orgs', 'public.teams']);
  const added = diff!.split('\n').filter((l) => /^\+(table|column|constraint|index) /.test(l));
  assert.deepEqual(added, [
    '+table public.orgs',
    '+column public.orgs.id',
    '+column public.orgs.slug',
    '+table public.teams',
    '+column public.teams.id',
    '+column public.teams.name',
    '+constraint public.teams.teams_pkey',
  ]);
});
