// The real projects of ../shared/corpus with the settings test/corpus.test.ts runs each with, for
// the suites that go over all of them.
import type { Config } from '../src/config.ts';

export interface Case {
  name: string;
  path: string;
  /** Run before the first migration, as the project's prerequisites. */
  prelude?: string;
  config?: Partial<Config>;
}

// The settings test/corpus.test.ts runs each project with.
export const CASES: Case[] = [
  {
    name: 'riverqueue__river',
    path: 'riverdriver/riverpgxv5/migration/main',
    config: { placeholders: { '/* TEMPLATE: schema */': '' } },
  },
  { name: 'goharbor__harbor', path: 'make/migrations/postgresql' },
  { name: 'openfga__openfga', path: 'assets/migrations/postgres' },
  { name: 'heroiclabs__nakama', path: 'migrate/sql', prelude: 'CREATE EXTENSION IF NOT EXISTS pg_trgm' },
  { name: 'bionic-gpt__bionic-gpt', path: 'crates/db/migrations' },
  { name: 'MarquezProject__marquez', path: 'api/src/main/resources/marquez/db/migration' },
  {
    name: 'supabase__storage',
    path: 'migrations/tenant',
    config: {
      noTransactionMarker: '-- postgres-migrations disable-transaction',
      searchPath: 'storage, public, extensions',
    },
  },
  {
    name: 'graphile__worker',
    path: 'sql',
    prelude: 'CREATE SCHEMA graphile_worker',
    config: { placeholders: { ':GRAPHILE_WORKER_SCHEMA': 'graphile_worker' } },
  },
  { name: 'langfuse__langfuse', path: 'packages/shared/prisma/migrations' },
  { name: 'atuinsh__atuin', path: 'crates/atuin-server-postgres/migrations', config: { format: 'sqlx' } },
  { name: 'Dokploy__dokploy', path: 'apps/dokploy/drizzle' },
  {
    name: 'dani-garcia__vaultwarden',
    path: 'migrations/postgresql',
    config: { format: 'diesel' },
  },
];
