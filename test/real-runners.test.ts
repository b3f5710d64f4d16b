import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '../src/database/embedded.ts';
import { dbmate } from '../src/formats/dbmate.ts';
import { fsDirectory } from '../src/files/directory.ts';
import type { MigrationSet } from '../src/migration.ts';
import { replay } from '../src/replay.ts';
import { prepareInspector, readSchema, schemaText } from '../src/schema/snapshot.ts';
import * as drizzleLane from './real-runner-drizzle.ts';
import * as nodePgMigrateLane from './real-runner-node-pg-migrate.ts';
import * as postgratorLane from './real-runner-postgrator.ts';

// The tools' own runners, installed from the npm registry, are the oracles for their formats:
// on the same fixtures, the real runner and migrate-check's replay must run the same migrations
// in the same order, fail at the same file, record the same versions and leave the same schema
// (migrate-check's snapshot of both databases). A lane whose runner cannot be loaded skips,
// saying why.
//
// dbmate: its binary (the `dbmate` npm package), `dbmate up` on a new database.

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'migrations-fixtures', 'dbmate');
const BIN = join(ROOT, 'node_modules', '.bin', 'dbmate');

function binaryProblem(): string | null {
  const run = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
  if (run.error) return `the dbmate binary cannot run here (${run.error.message}); install devDependencies with npm ci`;
  return run.status === 0 ? null : `\`dbmate --version\` exits ${run.status}: ${(run.stderr || run.stdout).trim()}`;
}

interface Outcome {
  /** The files the runner started, in order. */
  tried: string[];
  /** The file the run stopped at, if it stopped. */
  failed: string | null;
  versions: string[];
  schema: string;
}

async function observe(
  client: pg.Client,
  tried: string[],
  failed: string | null,
  applied: string[] = [],
): Promise<Outcome> {
  const { rows: recorded } = await client.query<{ version: string }>('select version from schema_migrations');
  const rows = recorded.map((r) => r.version);
  const versions = [...new Set([...rows, ...applied])].sort();
  await prepareInspector(client);
  return { tried, failed, versions, schema: schemaText(await readSchema(client)) };
}

/** `dbmate up` on a new database: the files from its `Applying:` lines, the failure from its exit. */
async function withDbmate(server: EmbeddedServer, dir: string): Promise<Outcome> {
  await using db = await server.createDatabase('oracle-dbmate');
  const socket = new URL(server.url).searchParams.get('host')!;
  const url = `postgres://postgres@/${db.name}?host=${encodeURIComponent(socket)}&sslmode=disable`;
  const run = spawnSync(BIN, ['--url', url, '--migrations-dir', dir, '--no-dump-schema', 'up'], { encoding: 'utf8' });
  const tried = [...run.stdout.matchAll(/^Applying: (.+)$/gm)].map((m) => m[1]!);
  assert.ok(run.status === 0 || /^Error: /m.test(run.stdout + run.stderr), run.stdout + run.stderr);
  const client = await db.connect(undefined, 'admin');
  try {
    return await observe(client, tried, run.status === 0 ? null : tried.at(-1)!);
  } finally {
    await client.end();
  }
}

/**
 * migrate-check's account of the same deploy: the files up to the first one it says dbmate
 * stops at (a file dbmate refuses, or the second file of a version), replayed up only.
 */
async function withMigrateCheck(server: EmbeddedServer, dir: string): Promise<Outcome> {
  const set = await dbmate.load(fsDirectory(dir));
  const name = (file: string) => file.slice(dir.length + 1);
  const stopsDeploy = (p: { check: string; severity?: string }) =>
    (p.check === 'parse-error' && p.severity !== 'warning') || p.check === 'duplicate-version';
  const stops = (set.problems ?? []).filter(stopsDeploy);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const stop = files.find((f) => stops.some((p) => name(p.file) === f)) ?? null;
  const before = set.migrations.filter((m) => m.up && (!stop || name(m.up.file) < stop));
  const truncated: MigrationSet = { ...set, migrations: before };
  await using db = await server.createDatabase('oracle-migrate-check');
  const migrate = await db.connect(undefined, 'admin');
  const inspect = await db.connect(undefined, 'admin');
  try {
    await prepareInspector(inspect);
    const result = await replay({ migrate, inspect }, { set: truncated, roundtrip: 'none' });
    const ups = result.steps.filter((s) => s.direction === 'up' && s.status !== 'skipped').map((s) => name(s.file));
    const failedStep = result.steps.find((s) => s.status === 'failed');
    const tried = stop ? [...ups, stop] : ups;
    // The replay writes version rows only for files of several sections (where writing one fails);
    // the others count as recorded when their up succeeded, as dbmate records them.
    const applied = result.steps.filter((s) => s.direction === 'up' && s.status === 'ok').map((s) => s.version);
    return await observe(migrate, tried, failedStep ? name(failedStep.file) : stop, applied);
  } finally {
    await migrate.end();
    await inspect.end();
  }
}

let server: EmbeddedServer;
/** A server for the lane's tests, stopped after them (hooks inside each describe, so a name filter keeps them). */
function withServer() {
  before(async () => {
    server = await startEmbedded();
  });
  after(async () => {
    await server?.[Symbol.asyncDispose]();
  });
}

const problem = binaryProblem();
if (problem) console.log(`# real-runners: dbmate lane skipped: ${problem}`);

describe('dbmate fixtures: `dbmate up` and migrate-check agree', { skip: problem ?? false }, () => {
  withServer();
  for (const fixture of readdirSync(FIXTURES).sort()) {
    test(fixture, async () => {
      const dir = join(FIXTURES, fixture);
      const expected = await withDbmate(server, dir);
      const actual = await withMigrateCheck(server, dir);
      assert.deepEqual(actual.tried, expected.tried, 'files tried, in order');
      assert.equal(actual.failed, expected.failed, 'the file the deploy stops at');
      assert.deepEqual(actual.versions, expected.versions, 'versions recorded in schema_migrations');
      assert.equal(actual.schema, expected.schema, 'schema after the run');
    });
  }
});

// drizzle-orm's migrator (drizzle-orm/node-postgres/migrator with pg). `deployed`: the journal's
// first entries went out in an earlier deploy (the base branch), the rest are pending together.
const DRIZZLE = join(ROOT, 'migrations-fixtures', 'drizzle');
const DEPLOYS: [fixture: string, deployed: number][] = [
  ...readdirSync(DRIZZLE)
    .sort()
    .map((f): [string, number] => [f, 0]),
  // The type exists before the deploy: its new value is unusable in the same transaction.
  ['enum-value-used', 1],
  // Migrated past 0001 (when: …862400000), the migrator skips 0002 (…776000000).
  ['journal-time-order', 2],
  ['up-fails', 1],
];
const drizzleProblem = await drizzleLane.drizzleProblem();
if (drizzleProblem) console.log(`# real-runners: drizzle lane skipped: ${drizzleProblem}`);

describe("drizzle fixtures: drizzle-orm's migrator and migrate-check agree", { skip: drizzleProblem ?? false }, () => {
  withServer();
  for (const [fixture, deployed] of DEPLOYS) {
    test(`${fixture}${deployed ? `, ${deployed} deployed before` : ', new database'}`, async () => {
      const dir = join(DRIZZLE, fixture);
      const expected = await drizzleLane.withDrizzle(server, dir, deployed);
      const actual = await drizzleLane.withMigrateCheck(server, dir, deployed);
      assert.deepEqual(actual.ran, expected.ran, 'migrations run, in order');
      assert.equal(actual.failed, expected.failed, 'the migration the deploy fails at');
      assert.deepEqual(actual.applied, expected.applied, 'migrations recorded in __drizzle_migrations');
      assert.equal(actual.schema, expected.schema, 'schema after the deploys');
    });
  }
});

// postgrator (v8) under the `custom` config documented for it.
const POSTGRATOR = ['postgrator', 'postgrator-up-fails'].map((f) => join(ROOT, 'migrations-fixtures', 'custom', f));
const postgratorProblem = await postgratorLane.postgratorProblem();
if (postgratorProblem) console.log(`# real-runners: postgrator lane skipped: ${postgratorProblem}`);

describe('postgrator fixtures: `postgrator.migrate()` and migrate-check agree', {
  skip: postgratorProblem ?? false,
}, () => {
  withServer();
  for (const dir of POSTGRATOR) {
    test(dir.slice(ROOT.length + 1), async () => {
      const expected = await postgratorLane.withPostgrator(server, dir);
      const actual = await postgratorLane.withMigrateCheck(server, dir);
      assert.deepEqual(actual.tried, expected.tried, 'files started, in order');
      assert.equal(actual.failed, expected.failed, 'the file the run stops at');
      assert.deepEqual(actual.versions, expected.versions, 'versions recorded in schemaversion');
      assert.equal(actual.schema, expected.schema, 'schema after the run');
    });
  }
});

// node-pg-migrate (v9), its runner on every fixture in migrations-fixtures/node-pg-migrate.
const NODE_PG_MIGRATE = join(ROOT, 'migrations-fixtures', 'node-pg-migrate');
const nodePgMigrateProblem = await nodePgMigrateLane.nodePgMigrateProblem();
if (nodePgMigrateProblem) console.log(`# real-runners: node-pg-migrate lane skipped: ${nodePgMigrateProblem}`);

describe("node-pg-migrate fixtures: node-pg-migrate's runner and migrate-check agree", {
  skip: nodePgMigrateProblem ?? false,
}, () => {
  withServer();
  for (const fixture of nodePgMigrateLane.fixtures(NODE_PG_MIGRATE)) {
    test(fixture, async () => {
      const dir = join(NODE_PG_MIGRATE, fixture);
      const expected = await nodePgMigrateLane.withNodePgMigrate(server, dir);
      const actual = await nodePgMigrateLane.withMigrateCheck(server, dir);
      assert.deepEqual(actual.tried, expected.tried, 'migrations started, in order');
      assert.equal(actual.failed, expected.failed, 'the migration the run stops at');
      assert.deepEqual(actual.recorded, expected.recorded, 'names recorded in pgmigrations');
      assert.equal(actual.schema, expected.schema, 'schema after the run');
    });
  }
});
