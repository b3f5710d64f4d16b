import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmbedded } from '../database/embedded.ts';
import { executeScript } from '../execute.ts';
import { memoryDirectory } from '../files/directory.ts';
import { sqlx } from './sqlx.ts';

/**
 * sqlx's file names and `-- no-transaction`, case by case: `follows` names the upstream test
 * (tests/postgres/migrate.rs with its migration folders) or the code the case follows
 * (sqlx-core/src/migrate/source.rs resolve_blocking_with_config, migration_type.rs
 * MigrationType::from_filename).
 */
type Read = [version: string, name: string, side: 'up' | 'down'] | 'ignored' | RegExp;
const NAMES: { follows: string; file: string; is: Read }[] = [
  {
    follows: 'resolve: `<VERSION>_<DESCRIPTION>.sql`, simple',
    file: '20220721115250_add_test_table.sql',
    is: ['20220721115250', 'add_test_table', 'up'],
  },
  {
    follows: 'MigrationType::from_filename: `.up.sql`',
    file: '20220721124650_add_table.up.sql',
    is: ['20220721124650', 'add_table', 'up'],
  },
  {
    follows: 'MigrationType::from_filename: `.down.sql`',
    file: '20220721124650_add_table.down.sql',
    is: ['20220721124650', 'add_table', 'down'],
  },
  { follows: "resolve: the error message's own example", file: '01_foo.sql', is: ['01', 'foo', 'up'] },
  {
    follows: 'resolve: version 0 (tests/postgres/migrations_no_tx/0_create_db.sql)',
    file: '0_create_db.sql',
    is: ['0', 'create_db', 'up'],
  },
  { follows: 'resolve: `parse::<i64>()` takes a sign', file: '+5_plus.sql', is: ['+5', 'plus', 'up'] },
  { follows: 'resolve: `parse::<i64>()` takes a sign', file: '-5_minus.sql', is: ['-5', 'minus', 'up'] },
  {
    follows: 'resolve: the largest i64',
    file: '9223372036854775807_max.sql',
    is: ['9223372036854775807', 'max', 'up'],
  },
  { follows: 'resolve: the description is split at the first `_`', file: '1_a_b.sql', is: ['1', 'a_b', 'up'] },
  {
    follows: 'resolve: `trim_end_matches` removes every repetition of the suffix',
    file: '1_a.sql.sql',
    is: ['1', 'a', 'up'],
  },
  { follows: 'resolve: no `_`, not a migration', file: 'schema.sql', is: 'ignored' },
  { follows: 'resolve: `.sql` is matched exactly', file: '1_a.SQL', is: 'ignored' },
  { follows: 'resolve: `.sql` is matched exactly', file: '1_a.sql.bak', is: 'ignored' },
  {
    follows: 'resolve: past i64, "expected integer version prefix"',
    file: '9223372036854775808_big.sql',
    is: /sqlx refuses to run this directory: `9223372036854775808` is not an integer version/,
  },
  { follows: 'resolve: "expected integer version prefix"', file: 'v1_a.sql', is: /`v1` is not an integer version/ },
  { follows: 'resolve: an empty version', file: '_a.sql', is: /`` is not an integer version/ },
];

const NO_TX: { follows: string; text: string; transaction: 'wrapped' | 'implicit' }[] = [
  {
    follows: 'resolve: `sql.starts_with("-- no-transaction")`',
    text: '-- no-transaction\nselect 1;',
    transaction: 'implicit',
  },
  {
    follows: 'resolve: `starts_with`, anything may follow',
    text: '-- no-transaction: concurrently\nselect 1;',
    transaction: 'implicit',
  },
  {
    follows: 'resolve: `starts_with`, not on a later line',
    text: '\n-- no-transaction\nselect 1;',
    transaction: 'wrapped',
  },
  {
    follows: 'resolve: `starts_with`, not after a blank',
    text: ' -- no-transaction\nselect 1;',
    transaction: 'wrapped',
  },
  { follows: 'resolve: `starts_with`, exact text', text: '--no-transaction\nselect 1;', transaction: 'wrapped' },
  { follows: 'resolve: without the marker, in a transaction', text: 'select 1;', transaction: 'wrapped' },
];

test('sqlx upstream cases: file names are read as resolve_blocking_with_config reads them', async () => {
  for (const c of NAMES) {
    const load = sqlx.load(memoryDirectory('db', { [c.file]: 'select 1;' }));
    if (c.is instanceof RegExp) {
      await assert.rejects(load, c.is, c.follows);
      continue;
    }
    const set = await load;
    if (c.is === 'ignored') {
      assert.deepEqual(
        [set.migrations.length, set.ignored.map((i) => i.file)],
        [0, [c.file]],
        `${c.follows}: ${c.file}`,
      );
      continue;
    }
    const m = set.migrations[0]!;
    assert.deepEqual([m.version, m.name, m.up ? 'up' : 'down'], c.is, `${c.follows}: ${c.file}`);
  }
});

test('sqlx upstream cases: `-- no-transaction` at the very start of a file, ups and downs alike', async () => {
  for (const c of NO_TX) {
    const set = await sqlx.load(
      memoryDirectory('db', { '1_a.sql': c.text, '2_b.up.sql': c.text, '2_b.down.sql': c.text }),
    );
    const modes = set.migrations.flatMap((m) => [m.up?.transaction, m.down?.transaction].filter(Boolean));
    assert.deepEqual(modes, [c.transaction, c.transaction, c.transaction], `${c.follows}: ${JSON.stringify(c.text)}`);
  }
});

test('sqlx upstream cases: the folders of tests/postgres/migrate.rs order and pair as sqlx does', async () => {
  const simple = await sqlx.load(
    memoryDirectory('db', { '20220721115524_convert_type.sql': '', '20220721115250_add_test_table.sql': '' }),
  );
  assert.deepEqual(
    simple.migrations.map((m) => [m.version, m.down]),
    [
      ['20220721115250', null],
      ['20220721115524', null],
    ],
  );
  const reversible = await sqlx.load(
    memoryDirectory('db', {
      '20220721124650_add_table.down.sql': '',
      '20220721124650_add_table.up.sql': '',
      '20220721125033_modify_column.down.sql': '',
      '20220721125033_modify_column.up.sql': '',
    }),
  );
  assert.deepEqual(
    reversible.migrations.map((m) => [m.version, Boolean(m.up), Boolean(m.down)]),
    [
      ['20220721124650', true, true],
      ['20220721125033', true, true],
    ],
  );
  const setup = await sqlx.load(
    memoryDirectory('db', { '3_comment.sql': '', '0_setup.sql': '', '2_post.sql': '', '1_user.sql': '' }),
  );
  assert.deepEqual(
    setup.migrations.map((m) => m.version),
    ['0', '1', '2', '3'],
  );
});

test('sqlx upstream case no_tx: `0_create_db.sql` creates its database, as it runs outside a transaction', async () => {
  const set = await sqlx.load(
    memoryDirectory('db', { '0_create_db.sql': '-- no-transaction\n\nCREATE DATABASE sqlx_no_tx_case;\n' }),
  );
  const server = await startEmbedded();
  try {
    await using db = await server.createDatabase('sqlx-no-tx');
    const client = await db.connect();
    try {
      assert.equal(await executeScript(client, set.migrations[0]!.up!), null);
      const found = await client.query("select datname from pg_database where datname = 'sqlx_no_tx_case'");
      assert.equal(found.rowCount, 1);
      await client.query('DROP DATABASE sqlx_no_tx_case');
    } finally {
      await client.end();
    }
  } finally {
    await server[Symbol.asyncDispose]();
  }
});

test('sqlx upstream cases: counted', (t) => {
  const cases = NAMES.length + NO_TX.length + 4;
  t.diagnostic(`sqlx: ${cases} upstream-derived cases, ${cases} agree`);
  assert.equal(cases, 26);
});
