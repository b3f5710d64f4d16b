import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { memoryDirectory } from '../files/directory.ts';
import { prisma } from './prisma.ts';

formatConformance(prisma, {
  files: {
    '20240102000000_b/migration.sql': 'select 1;',
    '20240101000000_a/migration.sql': 'select 1;',
    'migration_lock.toml': 'provider = "postgresql"',
  },
  order: ['20240101000000', '20240102000000'],
});

test(
  'prisma: each migration.sql is one query (implicit ' + "transaction), up only; the lock file is Prisma's own",
  async () => {
    const set = await prisma.load(
      memoryDirectory('m', { '20240101000000_init/migration.sql': 'create table a ();', 'migration_lock.toml': '' }),
    );
    assert.deepEqual(
      set.migrations.map((m) => [m.version, m.name, m.up?.transaction, m.down]),
      [['20240101000000', 'init', 'implicit', null]],
    );
    assert.deepEqual(set.problems, []);
    assert.match(set.bookkeeping, /_prisma_migrations/);
  },
);
