import { readdirSync } from 'node:fs';
import type { EmbeddedServer } from '../src/database/embedded.ts';
import { fsDirectory } from '../src/files/directory.ts';
import { nodePgMigrate } from '../src/formats/node-pg-migrate.ts';
import { packageProblem, replayUp, schemaOf } from './real-runner-drizzle.ts';

// node-pg-migrate (v9, its `runner()` with a pg client) against migrate-check's replay, on a new
// database: the migrations each starts, the one the run stops at, the names recorded in
// pgmigrations and the schema after the run. The runner applies each migration in a
// transaction of its own (singleTransaction: false), so a failure keeps the earlier ones, as
// the replay does; the CLI's default of one transaction for the whole deploy is what
// migrate-check's check of the pending set stands for.

export interface NodePgMigrateOutcome {
  tried: string[];
  failed: string | null;
  recorded: string[];
  schema: string;
}

/** Why node-pg-migrate cannot be loaded here, or null. */
export const nodePgMigrateProblem = () => packageProblem('node-pg-migrate', 'node-pg-migrate');

/** The fixtures: every folder of migrations-fixtures/node-pg-migrate. */
export const fixtures = (root: string) => readdirSync(root).sort();

export async function withNodePgMigrate(server: EmbeddedServer, dir: string): Promise<NodePgMigrateOutcome> {
  const { runner } = await import('node-pg-migrate');
  await using db = await server.createDatabase('oracle-node-pg-migrate');
  const client = await db.connect(undefined, 'admin');
  const tried: string[] = [];
  let failed: string | null = null;
  const info = (message: string) => {
    const started = /^### MIGRATION (.+) \(UP\) ###$/.exec(message);
    if (started) tried.push(started[1]!);
  };
  try {
    await runner({
      dbClient: client,
      dir,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      singleTransaction: false,
      noLock: true,
      logger: { info, warn: () => {}, error: () => {}, debug: () => {} },
    }).catch(async () => {
      failed = tried.at(-1) ?? null;
      // The runner leaves its failed BEGIN open on a client it was given (the CLI closes its own).
      await client.query('ROLLBACK');
    });
    const { rows } = await client.query<{ name: string }>('select name from pgmigrations order by id');
    return { tried, failed, recorded: rows.map((r) => r.name), schema: await schemaOf(db) };
  } finally {
    await client.end();
  }
}

export async function withMigrateCheck(server: EmbeddedServer, dir: string): Promise<NodePgMigrateOutcome> {
  const set = await nodePgMigrate.load(fsDirectory(dir));
  const { result, schema } = await replayUp(server, set);
  const ups = result.steps.filter((s) => s.direction === 'up' && s.status !== 'skipped');
  const nameOf = (file: string) =>
    file
      .split('/')
      .at(-1)!
      .replace(/\.sql$/, '');
  const failedStep = ups.find((s) => s.status === 'failed');
  return {
    tried: ups.map((s) => nameOf(s.file)),
    failed: failedStep ? nameOf(failedStep.file) : null,
    // node-pg-migrate records a migration under its file name without the extension.
    recorded: ups.filter((s) => s.status === 'ok').map((s) => nameOf(s.file)),
    schema,
  };
}
