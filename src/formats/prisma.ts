import type { IgnoredFile, Migration, Problem } from '../migration.ts';
import { wholeFile } from '../migration.ts';
import { at, ignore } from './common.ts';
import type { Format } from './format.ts';

const MIGRATION = /^([^/]+)\/migration\.sql$/;

/**
 * Prisma Migrate: one folder per migration, `{timestamp}_{name}/migration.sql`, applied in
 * the order of the folder names. The schema engine sends each `migration.sql` as one query,
 * which Postgres runs as one implicit transaction (so a file holding a single
 * `CREATE INDEX CONCURRENTLY` works, and a file with its own BEGIN/COMMIT is honoured). Up
 * only. `migration_lock.toml` is Prisma's own. Bookkeeping: `_prisma_migrations`.
 */
export const prisma: Format = {
  id: 'prisma',
  looksLike: '`20240101120000_init/migration.sql` (the `prisma/migrations` folder)',
  hasDowns: false,
  noTransactionHelp:
    'Move the statement into a migration of its own with nothing else in it (Prisma sends the file as one query, ' +
    'which Postgres runs outside a transaction block only when it holds one statement).',

  async detect(_directory, files) {
    return files.some((f) => MIGRATION.test(f));
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const migrations: Migration[] = [];
    for (const file of await directory.list()) {
      const match = MIGRATION.exec(file);
      if (!match) {
        if (file === 'migration_lock.toml')
          ignored.push({ file, reason: "Prisma's provider lock file, not a migration" });
        else ignore(ignored, problems, directory, file, 'Prisma only runs `{folder}/migration.sql`');
        continue;
      }
      const folder = match[1]!;
      const split = /^(\d+)_(.*)$/.exec(folder);
      migrations.push({
        version: split ? split[1]! : folder,
        name: split ? split[2]! : '',
        up: { file: at(directory, file), units: wholeFile(await directory.read(file)), transaction: 'implicit' },
        down: null,
      });
    }
    // The listing is sorted by path, so by folder name: Prisma's order.
    return {
      directory: directory.path,
      format: 'prisma',
      migrations,
      ignored,
      problems,
      // prisma-engines, schema-engine/connectors/sql-schema-connector (postgres flavour).
      bookkeeping:
        `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT ` +
        `NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" ` +
        `VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" ` +
        `TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
    };
  },
};
