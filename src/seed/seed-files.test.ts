import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { matchSeedFiles, readSeedFiles, resolveTables, seedTargets, tablesFilledBy } from './seed-files.ts';
import { sharedServer } from '../../test/helpers.ts';

test(
  'seed files run after the migration their name starts ' +
    'with, the longest version winning; base.sql after the base',
  () => {
    const versions = ['0001', '0002', '2', '2.1', '20240101120000'];
    const names = [
      '0002_users.sql',
      'base.sql',
      '2.1_more.sql',
      '2-x.sql',
      '20240101120000.sql',
      '0003_orphan.sql',
      '00021.sql',
      'README.md',
      '0001 first.sql',
    ];
    assert.deepEqual(matchSeedFiles(names, versions), {
      matched: [
        { file: '0001 first.sql', after: '0001' },
        { file: '0002_users.sql', after: '0002' },
        { file: '2-x.sql', after: '2' },
        { file: '2.1_more.sql', after: '2.1' },
        { file: '20240101120000.sql', after: '20240101120000' },
        { file: 'base.sql', after: null },
      ],
      unmatched: ['00021.sql', '0003_orphan.sql'],
    });
  },
);

test('the tables a seed file fills are its INSERT and COPY … FROM targets, never text in strings or comments', () => {
  const sql = `
    -- INSERT INTO commented_out VALUES (1);
    INSERT INTO users (id) VALUES (1), (2);
    insert into app."Order Lines" select * from generate_series(1, 3);
    WITH x AS (SELECT 1) INSERT INTO audit.events SELECT * FROM x;
    SELECT 'INSERT INTO in_a_string VALUES (1)';
    DO $$ BEGIN INSERT INTO in_a_body VALUES (1); END $$;
    COPY plans (id, name) FROM STDIN;
1	free
2	pro
\\.
    COPY exported TO STDOUT;
    INSERT INTO users (id) VALUES (3);`;
  assert.deepEqual(seedTargets(sql), ['users', 'app."Order Lines"', 'audit.events', 'plans']);
});

const server = sharedServer();

test(
  'a seed directory reads in run order and its targets resolve to ' +
    'the names the seeder uses; row counts catch what a DO block fills',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-seeds-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, '0002_plans.sql'), `INSERT INTO "Plans" VALUES (1);`);
    writeFileSync(join(dir, 'base.sql'), `INSERT INTO users VALUES (1);`);
    writeFileSync(join(dir, '0001.sql'), `DO $$ BEGIN INSERT INTO app.audit VALUES (1); END $$;`);
    const { files, unmatched } = await readSeedFiles(dir, ['0001', '0002']);
    assert.deepEqual(
      files.map((f) => [f.file, f.after, f.targets]),
      [
        ['base.sql', null, ['users']],
        ['0001.sql', '0001', []],
        ['0002_plans.sql', '0002', ['"Plans"']],
      ],
    );
    assert.deepEqual(unmatched, []);

    const db = await server().createDatabase('seed-files');
    const client = await db.connect();
    try {
      await client.query(
        'CREATE SCHEMA app; CREATE TABLE users (id int); ' +
          'CREATE TABLE "Plans" (id int); CREATE TABLE app.audit (id int)',
      );
      assert.deepEqual(await resolveTables(client, ['users', '"Plans"', 'missing']), [
        'public."Plans"',
        'public.users',
      ]);
      assert.deepEqual((await tablesFilledBy(client, async () => void (await client.query(files[1]!.sql)))).tables, [
        'app.audit',
      ]);
    } finally {
      await client.end();
      await db[Symbol.asyncDispose]();
    }
  },
);
