import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatConformance } from './conformance.ts';
import { memoryDirectory } from '../files/directory.ts';
import { flyway } from './flyway.ts';

formatConformance(flyway, {
  files: {
    'V1_10__ten.sql': 'select 1;',
    'V1_9__nine.sql': 'select 1;',
    'V69.1__a.sql': 'select 1;',
    'V1__one.sql': 'select 1;',
    'U1__one.sql': 'select 1;',
    'R__views.sql': 'select 1;',
    'sub/V2__nested.sql': 'select 1;',
  },
  order: ['1', '1_9', '1_10', '2', '69.1', 'R'],
});

test('flyway: statement by statement in one transaction; without one when a statement needs it', async () => {
  const set = await flyway.load(
    memoryDirectory('db', {
      'V1__a.sql': 'create table a (x int);\ncreate function f() returns int language sql as $$ select 1; $$;',
      'V2__b.sql': '-- needs no transaction\ncreate index concurrently i on a (x);',
      'V3__c.sql': 'create table c ();\nvacuum a;',
      'V4__d.sql': 'create table d ();\nvacuum a;',
      'V4__d.sql.conf': 'executeInTransaction=false\n',
    }),
  );
  assert.deepEqual(
    set.migrations.map((m) => [m.version, m.up?.transaction, m.up?.units.length]),
    [
      ['1', 'wrapped', 2],
      ['2', 'none', 1],
      ['3', 'none', 2],
      ['4', 'none', 2],
    ],
  );
  assert.deepEqual(
    set.problems?.map((p) => [p.check, p.file, p.line]),
    [['transaction', 'db/V3__c.sql', 2]],
  );
  assert.deepEqual(
    set.ignored.map((i) => i.file),
    ['V4__d.sql.conf'],
  );
});

test(
  'flyway: undo files are the downs; repeatables come ' + 'last, by description; duplicate versions stop Flyway',
  async () => {
    const set = await flyway.load(
      memoryDirectory('db', { 'R__b.sql': '', 'R__a.sql': '', 'V2__x.sql': '', 'U2__x.sql': '' }),
    );
    assert.deepEqual(
      set.migrations.map((m) => [m.version, m.name, Boolean(m.down), m.repeatable ?? false]),
      [
        ['2', 'x', true, false],
        ['R', 'a', false, true],
        ['R', 'b', false, true],
      ],
    );
    const dup = await flyway.load(memoryDirectory('db', { 'V1__a.sql': '', 'V1.0__b.sql': '' }));
    assert.equal(dup.migrations.length, 1);
    assert.match(
      dup.problems![0]!.message,
      new RegExp(
        /V1__a\.sql and V1\.0__b\.sql are both version 1: Flyway refuses to run /.source +
          /\("Found more than one migration with version 1"\)/.source,
      ),
    );
  },
);
