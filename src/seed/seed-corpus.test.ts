import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '../database/embedded.ts';
import { fsDirectory } from '../files/directory.ts';
import type { FormatOptions } from '../formats/format.ts';
import { detectFormat, formatById } from '../formats/index.ts';
import { renderPlaceholders } from '../migration.ts';
import { seedTables } from './seed-tables.ts';

// The final schemas of the shared corpus (../shared/corpus, see its README; MIGRATE_CHECK_CORPUS
// names another place), filled by the generator. A clone on a user's machine has no ../shared:
// each case then skips and says so. bionic-gpt is left out: its migrations need pgvector, which
// the embedded server does not have, so its final schema cannot be reached there.
const CORPUS = process.env.MIGRATE_CHECK_CORPUS ?? resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
const skip = (name: string) =>
  existsSync(join(CORPUS, name))
    ? false
    : `../shared/corpus/${name} is absent; the corpus lane needs the shared corpus`;

interface Case {
  dir: string;
  path: string;
  format?: string;
  options?: FormatOptions;
  prelude?: string;
  placeholders?: Record<string, string>;
  searchPath?: string;
  /** Tables the generator cannot fill, with the start of the reason it gives. */
  unfilled: Record<string, string>;
}

const CASES: Case[] = [
  {
    dir: 'riverqueue__river',
    path: 'riverdriver/riverpgxv5/migration/main',
    placeholders: { '/* TEMPLATE: schema */': '' },
    unfilled: {},
  },
  { dir: 'goharbor__harbor', path: 'make/migrations/postgresql', unfilled: {} },
  { dir: 'openfga__openfga', path: 'assets/migrations/postgres', unfilled: {} },
  { dir: 'heroiclabs__nakama', path: 'migrate/sql', prelude: 'CREATE EXTENSION IF NOT EXISTS pg_trgm', unfilled: {} },
  { dir: 'MarquezProject__marquez', path: 'api/src/main/resources/marquez/db/migration', unfilled: {} },
  {
    dir: 'supabase__storage',
    path: 'migrations/tenant',
    options: { noTransactionMarker: '-- postgres-migrations disable-transaction' },
    searchPath: 'storage, public, extensions',
    unfilled: {},
  },
  {
    dir: 'graphile__worker',
    path: 'sql',
    prelude: 'CREATE SCHEMA graphile_worker',
    placeholders: { ':GRAPHILE_WORKER_SCHEMA': 'graphile_worker' },
    unfilled: {},
  },
  { dir: 'langfuse__langfuse', path: 'packages/shared/prisma/migrations', unfilled: {} },
  { dir: 'atuinsh__atuin', path: 'crates/atuin-server-postgres/migrations', format: 'sqlx', unfilled: {} },
  { dir: 'Dokploy__dokploy', path: 'apps/dokploy/drizzle', unfilled: {} },
  { dir: 'dani-garcia__vaultwarden', path: 'migrations/postgresql', format: 'diesel', unfilled: {} },
];

let server: EmbeddedServer;
before(async () => {
  server = await startEmbedded();
});
after(async () => {
  await server?.[Symbol.asyncDispose]();
});

/** Applies every up of the directory in order, each unit as the runner sends it; the final schema. */
async function applyAll(client: pg.Client, c: Case): Promise<void> {
  const directory = fsDirectory(join(CORPUS, c.dir, c.path));
  const format = c.format ? formatById(c.format) : await detectFormat(directory);
  let set = await format.load(directory, { ...c.options, placeholders: c.placeholders });
  if (c.placeholders) set = renderPlaceholders(set, c.placeholders);
  if (c.prelude) await client.query(c.prelude);
  if (c.searchPath) await client.query(`SET search_path = ${c.searchPath}`);
  if (set.bookkeeping) await client.query(set.bookkeeping);
  for (const m of set.migrations) {
    if (!m.up) continue;
    const wrapped = m.up.transaction === 'wrapped';
    if (wrapped) await client.query('BEGIN');
    for (const unit of m.up.units) await client.query(unit.sql);
    if (wrapped) await client.query('COMMIT');
  }
}

for (const c of CASES) {
  test(`corpus: the final schema of ${c.dir} fills, table by table, or says why not`, {
    skip: skip(c.dir),
    timeout: 600_000,
  }, async (t) => {
    const db = await server.createDatabase('seed-corpus');
    const client = await db.connect();
    try {
      await applyAll(client, c);
      const result = await seedTables(client, { rows: 200 });
      const unfilled = Object.fromEntries(
        result.tables.filter((r) => r.skipped).map((r) => [r.table, r.skipped!.reason]),
      );
      const notes = result.tables.filter((r) => r.notes?.length).map((r) => `${r.table}: ${r.notes!.join('; ')}`);
      t.diagnostic(
        `${result.tables.length} tables in ${result.ms} ms; ` +
          `unfilled: ${JSON.stringify(unfilled)}; notes: ${JSON.stringify(notes)}`,
      );
      assert.ok(result.tables.length > 0);
      for (const r of result.tables) assert.ok(r.rows > 0 || r.skipped, `${r.table} has rows or a reason`);
      assert.deepEqual(Object.keys(unfilled).sort(), Object.keys(c.unfilled).sort());
      for (const [table, reason] of Object.entries(c.unfilled))
        assert.ok(unfilled[table]!.startsWith(reason), `${table}: ${unfilled[table]}`);
    } finally {
      await client.end();
      await db[Symbol.asyncDispose]();
    }
  });
}
