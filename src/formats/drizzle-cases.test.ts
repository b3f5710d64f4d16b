import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '../database/embedded.ts';
import { executeScript } from '../execute.ts';
import type { MigrationSet } from '../migration.ts';
import { applyTogether } from '../together.ts';
import { memoryDirectory } from '../files/directory.ts';
import { drizzle } from './drizzle.ts';

// Cases that follow drizzle-orm's migrator (github.com/drizzle-team/drizzle-orm
// drizzle-orm/src/migrator.ts readMigrationFiles, pg-core/dialect.ts migrate(), as
// node-postgres/migrator.ts calls them) and its integration tests (integration-tests/tests/pg/
// node-postgres.test.ts "migrator : default migration strategy" with drizzle2/pg/). Each names
// the upstream behaviour it holds; test/real-runners.test.ts runs the migrator itself.

type Entry = [tag: string, when?: unknown, breakpoints?: boolean];
const journal = (entries: Entry[], version = '7', dialect = 'postgresql') =>
  JSON.stringify({
    version,
    dialect,
    entries: entries.map(([tag, when, breakpoints = true], idx) => ({
      idx,
      version,
      ...(when === undefined ? {} : { when }),
      tag,
      breakpoints,
    })),
  });
const load = (files: Record<string, string>) => drizzle.load(memoryDirectory('drizzle', files));
const chunks = async (sql: string, breakpoints = true) =>
  (
    await load({ '0000_a.sql': sql, 'meta/_journal.json': journal([['0000_a', 1, breakpoints]]) })
  ).migrations[0]!.up!.units.map((u) => u.sql);
const problems = (set: MigrationSet) => (set.problems ?? []).map((p) => [p.check, p.file]);

test(
  "drizzle migrator.ts readMigrationFiles: the journal's " + 'list decides the order, not idx or the file names',
  async () => {
    const entries = JSON.stringify({
      entries: [
        { idx: 1, when: 1, tag: '0001_b' },
        { idx: 0, when: 2, tag: '0000_a' },
      ],
    });
    const set = await load({ '0000_a.sql': 'select 1;', '0001_b.sql': 'select 2;', 'meta/_journal.json': entries });
    assert.deepEqual(
      set.migrations.map((m) => m.version),
      ['0001', '0000'],
    );
  },
);

test(
  'drizzle migrator.ts readMigrationFiles: split at every `--> ' +
    'statement-breakpoint`; a chunk of two statements is one query',
  async () => {
    assert.deepEqual(
      await chunks(
        'CREATE TABLE a (x int);--> statement-breakpoint\nCREATE TABLE b (x int); CREATE TABLE c (x int);\n',
      ),
      ['CREATE TABLE a (x int);', 'CREATE TABLE b (x int); CREATE TABLE c (x int);\n'],
    );
  },
);

test(
  'drizzle migrator.ts readMigrationFiles: `breakpoints: ' + 'false` in the journal does not stop the split',
  async () => {
    assert.equal((await chunks('select 1;\n--> statement-breakpoint\nselect 2;', false)).length, 2);
  },
);

test(
  'drizzle migrator.ts readMigrationFiles: the split is ' + 'textual: the marker inside a string literal splits too',
  async () => {
    assert.deepEqual(await chunks("select '--> statement-breakpoint';"), ["select '", "';"]);
  },
);

test(
  'drizzle migrator.ts readMigrationFiles: only the exact ' + 'marker splits (`-->statement-breakpoint` does not)',
  async () => {
    assert.equal((await chunks('select 1;\n-->statement-breakpoint\nselect 2;')).length, 1);
  },
);

test('drizzle-kit generate --custom: a file holding only its comment is sent, and does nothing', async () => {
  assert.deepEqual(await chunks('-- Custom SQL migration file, put your code below! --'), [
    '-- Custom SQL migration file, put your code below! --',
  ]);
});

test(
  'drizzle migrator.ts readMigrationFiles: a journal entry without ' +
    'its file stops the migrator ("No file … found") before anything runs',
  async () => {
    const set = await load({
      '0000_a.sql': 'select 1;',
      'meta/_journal.json': journal([
        ['0000_a', 1],
        ['0001_gone', 2],
      ]),
    });
    assert.deepEqual(problems(set), [['parse-error', 'drizzle/meta/_journal.json']]);
    assert.match(
      set.problems![0]!.message,
      new RegExp(
        /0001_gone\.sql does not exist: the drizzle migrator stops before it applies any migration /.source +
          /\("No file 0001_gone\.sql found"\)/.source,
      ),
    );
  },
);

test(
  'drizzle migrator.ts readMigrationFiles: without meta/_journal.json ' +
    'the migrator refuses ("Can\'t find meta/_journal.json file")',
  async () => {
    await assert.rejects(
      load({ '0000_a.sql': 'select 1;' }),
      /drizzle\/meta\/_journal\.json does not exist: drizzle runs only what its journal lists/,
    );
  },
);

test('drizzle migrator.ts readMigrationFiles: a journal that is not JSON is refused (JSON.parse throws)', async () => {
  await assert.rejects(load({ 'meta/_journal.json': '{"entries": [' }), /is not valid JSON/);
});

test('drizzle migrator.ts readMigrationFiles: a `.sql` file the journal does not list is never read', async () => {
  const set = await load({
    '0000_a.sql': 'select 1;',
    '0001_lost.sql': 'select 2;',
    'meta/_journal.json': journal([['0000_a', 1]]),
  });
  assert.deepEqual(
    set.migrations.map((m) => m.version),
    ['0000'],
  );
  assert.deepEqual(problems(set), [['naming', 'drizzle/0001_lost.sql']]);
});

test(
  'drizzle pg-core dialect.ts migrate(): bookkeeping is ' +
    'drizzle.__drizzle_migrations (id serial, hash text not null, created_at bigint)',
  async () => {
    const set = await load({ '0000_a.sql': 'select 1;', 'meta/_journal.json': journal([['0000_a', 1]]) });
    const norm = (sql: string) =>
      sql
        .replace(/\s+/g, ' ')
        .replace(/\s*([(),;])\s*/g, '$1')
        .trim()
        .toLowerCase();
    assert.equal(
      norm(set.bookkeeping),
      norm(
        'CREATE SCHEMA IF NOT EXISTS "drizzle"; CREATE TABLE IF NOT EXISTS ' +
          '"drizzle"."__drizzle_migrations" ( id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint )',
      ),
    );
  },
);

test('drizzle pg-core dialect.ts migrate(): every pending migration in one transaction', async () => {
  const set = await load({
    '0000_a.sql': 'select 1;',
    '0001_b.sql': 'select 2;',
    'meta/_journal.json': journal([
      ['0000_a', 1],
      ['0001_b', 2],
    ]),
  });
  assert.equal(set.pendingTogether, true);
  assert.deepEqual(
    set.migrations.map((m) => m.up?.transaction),
    ['wrapped', 'wrapped'],
  );
});

const timeOrder: [string, Entry[], string[]][] = [
  [
    'an entry older than an earlier one is skipped on a migrated database',
    [
      ['0000_a', 10],
      ['0001_b', 30],
      ['0002_c', 20],
    ],
    ['drizzle/0002_c.sql'],
  ],
  [
    '`Number(created_at) < when` is strict: an entry as old as an earlier one is skipped too',
    [
      ['0000_a', 10],
      ['0001_b', 10],
    ],
    ['drizzle/0001_b.sql'],
  ],
  [
    '`when` as a string of digits compares as its number',
    [
      ['0000_a', '10'],
      ['0001_b', '9'],
    ],
    ['drizzle/0001_b.sql'],
  ],
  [
    'entries in time order raise nothing',
    [
      ['0000_a', 10],
      ['0001_b', 11],
    ],
    [],
  ],
];
for (const [name, entries, flagged] of timeOrder) {
  test(`drizzle pg-core dialect.ts migrate(): ${name}; on a new database every entry runs`, async () => {
    const files = Object.fromEntries(entries.map(([tag]) => [`${tag}.sql`, 'select 1;']));
    const set = await load({ ...files, 'meta/_journal.json': journal(entries) });
    assert.deepEqual(
      set.migrations.map((m) => m.up !== null),
      entries.map(() => true),
    );
    assert.deepEqual(
      problems(set),
      flagged.map((file) => ['naming', file]),
    );
  });
}

const brokenTimes: [string, Entry, RegExp][] = [
  [
    'no `when`: the record insert has no value, a syntax error that fails the deploy',
    ['0001_b'],
    /has no `when`: on a new database the migrator fails recording it/,
  ],
  [
    '`when: null`: recorded NULL, taken for the latest, and every migration runs again next deploy',
    ['0001_b', null],
    /created_at NULL.*applies every migration again on the next deploy/,
  ],
  [
    '`when` not an integer: created_at bigint refuses it',
    ['0001_b', 'yesterday'],
    /`when` is "yesterday", not an integer/,
  ],
];
for (const [name, entry, message] of brokenTimes) {
  test(`drizzle pg-core dialect.ts migrate(): ${name}`, async () => {
    const set = await load({
      '0000_a.sql': 'select 1;',
      '0001_b.sql': 'select 2;',
      'meta/_journal.json': journal([['0000_a', 1], entry]),
    });
    assert.deepEqual(problems(set), [['parse-error', 'drizzle/meta/_journal.json']]);
    assert.match(set.problems![0]!.message, message);
  });
}

test(
  'drizzle node-postgres.test.ts "migrator : default migration ' +
    'strategy": drizzle2/pg (journal version 5, dialect "pg")',
  async () => {
    const set = await load({
      '0000_puzzling_flatman.sql':
        'CREATE TABLE IF NOT EXISTS "all_columns" (\n\t"smallint" smallint,\n' +
        '\t"intervaldef" interval DEFAULT \'10 days\'\n);',
      '0001_test.sql':
        'CREATE TABLE IF NOT EXISTS "users12" (\n\t"id" serial PRIMARY KEY NOT NULL,\n' +
        '\t"name" text NOT NULL,\n\t"email" text NOT NULL\n);',
      'meta/0000_snapshot.json': '{}',
      'meta/_journal.json': journal(
        [
          ['0000_puzzling_flatman', 1680271923328],
          ['0001_test', 1680271923329],
        ],
        '5',
        'pg',
      ),
    });
    assert.deepEqual(problems(set), []);
    assert.deepEqual(
      set.migrations.map((m) => [m.version, m.name, m.up?.units.length]),
      [
        ['0000', 'puzzling_flatman', 1],
        ['0001', 'test', 1],
      ],
    );
  },
);

describe('drizzle pg-core dialect.ts migrate() on a real server: one transaction for the pending set', () => {
  let server: EmbeddedServer;
  before(async () => {
    server = await startEmbedded();
  });
  after(async () => {
    await server?.[Symbol.asyncDispose]();
  });
  const ENUM = {
    '0000_init.sql':
      `CREATE TYPE "status" AS ENUM('active');--> statement-breakpoint\n` +
      `CREATE TABLE "items" ("id" serial PRIMARY KEY, "status" "status" DEFAULT 'active' NOT NULL);`,
    '0001_add_archived.sql': `ALTER TYPE "status" ADD VALUE 'archived';`,
    '0002_default_archived.sql': `ALTER TABLE "items" ALTER COLUMN "status" SET DEFAULT 'archived';`,
    'meta/_journal.json': journal([
      ['0000_init', 1],
      ['0001_add_archived', 2],
      ['0002_default_archived', 3],
    ]),
  };
  const together = async (client: pg.Client) => {
    const set = await load(ENUM);
    await client.query(set.bookkeeping);
    // 0000 went out in an earlier deploy; 0001 and 0002 are pending together.
    const [first, ...pending] = set.migrations;
    return { set, result: await applyTogether(client, [first!], pending) };
  };

  test(
    'a new enum value used by the next migration fails ' + 'together ("unsafe use of new value"), at that migration',
    async () => {
      await using db = await server.createDatabase('drizzle-together');
      const client = await db.connect(undefined, 'admin');
      try {
        const { result } = await together(client);
        assert.deepEqual(result.versions, ['0001', '0002']);
        assert.equal(result.error?.code, '55P04');
        assert.match(result.error?.message ?? '', /unsafe use of new value "archived"/);
        assert.equal(result.error?.file, 'drizzle/0002_default_archived.sql');
        // The failure rolls the whole deploy back: 0001's value is gone with it.
        const { rows } = await client.query(`select enum_range(null::status)::text as values`);
        assert.equal(rows[0].values, '{active}');
      } finally {
        await client.end();
      }
    },
  );

  test(
    'a type created in the same deploy takes new values ' + 'at once: the whole journal on a new database applies',
    async () => {
      await using db = await server.createDatabase('drizzle-fresh');
      const client = await db.connect(undefined, 'admin');
      try {
        const set = await load(ENUM);
        await client.query(set.bookkeeping);
        assert.equal((await applyTogether(client, [], set.migrations)).error, null);
      } finally {
        await client.end();
      }
    },
  );

  test('the same files one transaction each (the per-migration replay) apply', async () => {
    await using db = await server.createDatabase('drizzle-apart');
    const client = await db.connect(undefined, 'admin');
    try {
      const set = await load(ENUM);
      await client.query(set.bookkeeping);
      for (const m of set.migrations) assert.equal(await executeScript(client, m.up!), null);
    } finally {
      await client.end();
    }
  });
});

test('drizzle upstream cases: counted', (t) => {
  const cases = 16 + timeOrder.length + brokenTimes.length;
  t.diagnostic(`drizzle: ${cases} upstream-derived cases, ${cases} agree`);
  assert.equal(cases, 23);
});
