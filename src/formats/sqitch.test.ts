import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatConformance } from './conformance.ts';
import { detectFormat } from './index.ts';
import { sqitch } from './sqitch.ts';

const PLAN = '%syntax-version=1.0.0\n%project=flipr\n\n';
const line = (name: string, deps = '') => `${name} ${deps}2024-01-01T10:00:00Z Marge <marge@example.com>\n`;
const scripts = (name: string) => ({
  [`deploy/${name}.sql`]: `BEGIN;\nCREATE TABLE ${name} (id int);\nCOMMIT;\n`,
  [`revert/${name}.sql`]: `DROP TABLE ${name};\n`,
  [`verify/${name}.sql`]: `SELECT id FROM ${name} WHERE false;\n`,
});

formatConformance(sqitch, {
  files: { 'sqitch.plan': PLAN + line('zeta') + line('alpha', '[zeta] '), ...scripts('zeta'), ...scripts('alpha') },
  order: ['zeta', 'alpha'],
});

test('sqitch: plan order, psql-style scripts, the verify script beside them', async () => {
  const dir = memoryDirectory('db', { 'sqitch.plan': PLAN + line('users'), ...scripts('users') });
  assert.equal((await detectFormat(dir)).id, 'sqitch');
  const [users] = (await sqitch.load(dir)).migrations;
  assert.equal(users!.up!.transaction, 'none');
  assert.deepEqual(
    users!.up!.units.map((u) => u.sql),
    ['BEGIN;', 'CREATE TABLE users (id int);', 'COMMIT;'],
  );
  assert.equal(users!.verify!.file, 'db/verify/users.sql');
});

test('sqitch: a reworked change runs its tagged scripts first, then the current ones', async () => {
  const set = await sqitch.load(
    memoryDirectory('db', {
      'sqitch.plan':
        `${PLAN}${line('users')}@v1 2024-01-02T10:00:00Z Marge <marge@example.com>\n\n` + line('users', '[users@v1] '),
      'deploy/users@v1.sql': 'CREATE TABLE users (id int);',
      'deploy/users.sql': 'ALTER TABLE users ADD COLUMN name text;',
    }),
  );
  assert.deepEqual(
    set.migrations.map((m) => [m.version, m.up?.file]),
    [
      ['users@v1', 'db/deploy/users@v1.sql'],
      ['users', 'db/deploy/users.sql'],
    ],
  );
});

test('sqitch: top_dir from sqitch.conf; scripts no change names are reported', async () => {
  const set = await sqitch.load(
    memoryDirectory('db', {
      'sqitch.conf': '[core]\n\tengine = pg\n\ttop_dir = migrations\n',
      'migrations/sqitch.plan': PLAN + line('users'),
      'migrations/deploy/users.sql': 'select 1;',
      'migrations/deploy/old.sql': 'select 1;',
    }),
  );
  assert.equal(set.migrations[0]!.up!.file, 'db/migrations/deploy/users.sql');
  assert.match(set.problems!.find((p) => p.check === 'naming')!.message, /deploy\/old.sql belongs to no change/);
});
