import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { ScratchDatabase } from '../src/database/database.ts';
import type { EmbeddedServer } from '../src/database/embedded.ts';
import { drizzle as drizzleFormat } from '../src/formats/drizzle.ts';
import { fsDirectory } from '../src/files/directory.ts';
import type { Migration, MigrationSet } from '../src/migration.ts';
import { replay } from '../src/replay.ts';
import { prepareInspector, readSchema, schemaText } from '../src/schema/snapshot.ts';
import { applyTogether } from '../src/together.ts';

// drizzle-orm's own migrator (drizzle-orm/node-postgres/migrator with pg) against migrate-check's
// account of the same deploys: the migrations applied, in order, the file the deploy fails at,
// and the schema after it. `deployed` entries of the journal went out in an earlier deploy.

export interface DrizzleOutcome {
  /** Journal tags whose SQL ran, in order (in the deploy that failed too). */
  ran: string[];
  /** Tags recorded as applied, in order. */
  applied: string[];
  /** The tag the last deploy failed at, if it failed. */
  failed: string | null;
  schema: string;
}

type Entry = { tag: string };
const journalOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as { entries: Entry[] }).entries;

/** Why the runner `what` (the npm package `name`) cannot be loaded here, or null. */
export async function packageProblem(what: string, name: string): Promise<string | null> {
  try {
    await import(name);
    return null;
  } catch (error) {
    return `${what} cannot be loaded (${(error as Error).message}); install devDependencies with npm ci`;
  }
}

/** Why the migrator cannot be loaded here, or null. */
export const drizzleProblem = () => packageProblem("drizzle-orm's migrator", 'drizzle-orm/node-postgres/migrator');

export async function schemaOf(db: ScratchDatabase): Promise<string> {
  const inspect = await db.connect(undefined, 'admin');
  try {
    await prepareInspector(inspect);
    return schemaText(await readSchema(inspect));
  } finally {
    await inspect.end();
  }
}

/** The migrator itself: a deploy with the first `deployed` journal entries, then one with all of them. */
export async function withDrizzle(server: EmbeddedServer, dir: string, deployed: number): Promise<DrizzleOutcome> {
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const entries = journalOf(dir);
  const chunkOf = new Map<string, string>();
  const tagOf = new Map<string, string>();
  for (const { tag } of entries) {
    const text = readFileSync(join(dir, `${tag}.sql`), 'utf8');
    tagOf.set(createHash('sha256').update(text).digest('hex'), tag);
    for (const chunk of text.split('--> statement-breakpoint')) if (chunk.trim()) chunkOf.set(chunk, tag);
  }
  const ran: string[] = [];
  await using db = await server.createDatabase('oracle-drizzle');
  const client = await db.connect(undefined, 'admin');
  const orm = drizzle(client, {
    logger: {
      logQuery: (query) =>
        void (chunkOf.has(query) && ran.at(-1) !== chunkOf.get(query) && ran.push(chunkOf.get(query)!)),
    },
  });
  let failed: string | null = null;
  const earlier = await mkdtemp(join(tmpdir(), 'drizzle-deployed-'));
  try {
    if (deployed > 0) {
      await cp(dir, earlier, { recursive: true });
      const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8'));
      await writeFile(
        join(earlier, 'meta/_journal.json'),
        JSON.stringify({ ...journal, entries: journal.entries.slice(0, deployed) }),
      );
      await migrate(orm, { migrationsFolder: earlier });
    }
    try {
      await migrate(orm, { migrationsFolder: dir });
    } catch (error) {
      const query = (error as { query?: string }).query ?? '';
      failed = chunkOf.get(query) ?? `not a migration's query: ${query}`;
    }
    const { rows } = await client.query<{ hash: string }>('select hash from drizzle.__drizzle_migrations order by id');
    return { ran, applied: rows.map((r) => tagOf.get(r.hash) ?? r.hash), failed, schema: await schemaOf(db) };
  } finally {
    await client.end();
    await rm(earlier, { recursive: true, force: true });
  }
}

const tagOfMigration = (m: Migration) => (m.name ? `${m.version}_${m.name}` : m.version);

/** Replays `set` up only on a new database; returns the replay and the database's schema. */
export async function replayUp(
  server: EmbeddedServer,
  set: MigrationSet,
  then?: (migrate: pg.Client) => Promise<void>,
) {
  await using db = await server.createDatabase('oracle-migrate-check');
  const migrate = await db.connect(undefined, 'admin');
  const inspect = await db.connect(undefined, 'admin');
  try {
    await prepareInspector(inspect);
    const result = await replay({ migrate, inspect }, { set, roundtrip: 'none' });
    await then?.(migrate);
    return { result, schema: await schemaOf(db) };
  } finally {
    await migrate.end();
    await inspect.end();
  }
}

/**
 * migrate-check's account of the same deploys, from what it reports: the per-migration replay
 * (up only), then the pending migrations in one transaction, as run() checks them. Entries its
 * `naming` finding says the migrator skips on a migrated database are left out of the pending set.
 */
export async function withMigrateCheck(server: EmbeddedServer, dir: string, deployed: number): Promise<DrizzleOutcome> {
  const set = await drizzleFormat.load(fsDirectory(dir));
  const stops = (set.problems ?? []).filter((p) => p.check === 'parse-error');
  if (stops.length) return { ran: [], applied: [], failed: stops[0]!.file, schema: '' };
  const base = set.migrations.slice(0, deployed);
  const skipped = (m: Migration) =>
    deployed > 0 && (set.problems ?? []).some((p) => p.check === 'naming' && p.file === m.up?.file);
  const pending = set.migrations.slice(deployed).filter((m) => !skipped(m));
  const all = await replayUp(server, { ...set, migrations: [...base, ...pending] });
  const failedStep = all.result.steps.find((s) => s.status === 'failed');
  let failed = failedStep ? tagOfMigration(set.migrations.find((m) => m.up?.file === failedStep.file)!) : null;
  let schema = all.schema;
  if (failed || (set.pendingTogether && pending.length > 1)) {
    // The pending set in one transaction, after the earlier deploy (always rolled back).
    const together = await replayUp(server, { ...set, migrations: base }, async (migrate) => {
      const result = await applyTogether(migrate, [], pending);
      if (!failed && result.error) failed = tagOfMigration(pending.find((m) => m.up?.file === result.error!.file)!);
    });
    if (failed) schema = together.schema;
  }
  const tags = [...base, ...pending].map(tagOfMigration);
  const ran = failed ? tags.slice(0, tags.indexOf(failed) + 1) : tags;
  return { ran, applied: failed ? base.map(tagOfMigration) : tags, failed, schema };
}
