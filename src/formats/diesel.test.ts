import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatConformance } from './conformance.ts';
import { diesel } from './diesel.ts';
import { detectFormat } from './index.ts';

formatConformance(diesel, {
  files: {
    '2024-01-02-000000_b/up.sql': 'select 1;',
    '2024-01-02-000000_b/down.sql': 'select 1;',
    '00000000000000_diesel_initial_setup/up.sql': 'select 1;',
    '00000000000000_diesel_initial_setup/down.sql': 'select 1;',
    '20240101000000_a/up.sql': 'select 1;',
    '20240101000000_a/down.sql': 'select 1;',
    '20240101000000_a/metadata.toml': 'run_in_transaction = false\n',
  },
  order: ['00000000000000', '20240101000000', '20240102000000'],
});

test('diesel: a folder of migration.sql files is Prisma, a folder of up.sql files is diesel', async () => {
  const prisma = memoryDirectory('db', { '20240101000000_init/migration.sql': 'select 1;' });
  assert.equal((await detectFormat(prisma)).id, 'prisma');
  const both = memoryDirectory('db', { '20240101000000_init/up.sql': 'select 1;', 'x/migration.sql': '' });
  await assert.rejects(detectFormat(both), /fits more than one migration format/);
});

test('diesel: the bookkeeping table is the one diesel creates', async () => {
  const set = await diesel.load(memoryDirectory('db', { '1_a/up.sql': 'select 1;' }));
  assert.match(set.bookkeeping, /__diesel_schema_migrations \(version VARCHAR\(50\) PRIMARY KEY NOT NULL/);
});
