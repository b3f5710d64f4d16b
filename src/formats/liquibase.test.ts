import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatConformance } from './conformance.ts';
import { detectFormat } from './index.ts';
import { liquibase } from './liquibase.ts';

const changelog = (author: string, ...ids: string[]) =>
  '--liquibase formatted sql\n\n' +
  ids
    .map((id) => `--changeset ${author}:${id}\ncreate table t${id} (id int);\n--rollback drop table t${id};\n`)
    .join('\n');

formatConformance(liquibase, {
  files: { 'changes/b.sql': changelog('bob', '2'), 'changes/a.sql': changelog('ann', '1', '3') },
  order: ['ann:1', 'ann:3', 'bob:2'],
});

test('liquibase: the master changelog decides the order (include, then includeAll by path)', async () => {
  const dir = memoryDirectory('db', {
    'db.changelog-master.xml':
      '<databaseChangeLog><include file="changes/z.sql" relativeToChangelogFile="true"/>' +
      '<!-- <include file="changes/old.sql"/> --><includeAll path="more/"/></databaseChangeLog>',
    'changes/z.sql': changelog('zed', '1'),
    'changes/old.sql': changelog('old', '1'),
    'more/b.sql': changelog('b', '1'),
    'more/a.sql': changelog('a', '1'),
  });
  assert.equal((await detectFormat(dir)).id, 'liquibase');
  const set = await liquibase.load(dir);
  assert.deepEqual(
    set.migrations.map((m) => m.version),
    ['zed:1', 'a:1', 'b:1'],
  );
  assert.match(set.ignored.find((i) => i.file === 'changes/old.sql')!.reason, /does not include it/);
});

test('liquibase: a YAML master changelog', async () => {
  const set = await liquibase.load(
    memoryDirectory('db', {
      'changelog.yaml': 'databaseChangeLog:\n  - include:\n      file: two.sql\n  - include:\n      file: one.sql\n',
      'one.sql': changelog('a', '1'),
      'two.sql': changelog('b', '2'),
    }),
  );
  assert.deepEqual(
    set.migrations.map((m) => m.version),
    ['b:2', 'a:1'],
  );
});

test('liquibase: runInTransaction:false, splitStatements:false, the rollback as the down', async () => {
  const set = await liquibase.load(
    memoryDirectory('db', {
      'a.sql':
        '--liquibase formatted sql\n--changeset a:1 runInTransaction:false\ncreate index concurrently i on t (x);\n' +
        '--rollback drop index concurrently i;\n--changeset a:2 splitStatements:false\nselect 1; select 2;\n',
    }),
  );
  const [one, two] = set.migrations;
  assert.deepEqual(
    [one!.up!.transaction, one!.up!.units[0]!.line, one!.down!.units[0]!.sql],
    ['none', 3, 'drop index concurrently i;'],
  );
  assert.deepEqual(two!.up!.units, [{ sql: 'select 1; select 2;', line: 6, column: 1 }]);
  assert.equal(two!.down, null);
  assert.match(set.bookkeeping, /databasechangelog \(id VARCHAR\(255\) NOT NULL/);
});

test('liquibase: a changeset is compared as Liquibase checksums it, whitespace differences left out', async () => {
  const text = (sql: string) =>
    `--liquibase formatted sql\n\n--changeset ann:1\n${sql}\n--changeset ann:2\nselect 2;\n`;
  const load = async (sql: string) =>
    (await liquibase.load(memoryDirectory('db', { 'changes/a.sql': text(sql) }))).migrations.map((m) => m.source);
  const [base, second] = await load('create table t (id int);');
  const [spaced, secondAgain] = await load('create  table t\n\t(id int);\n\n');
  assert.equal(spaced, base, 'spaces, tabs and blank lines are no edit');
  assert.equal(secondAgain, second);
  const [edited] = await load('create table t (id bigint);');
  assert.notEqual(edited, base, 'a changed type is an edit');
});
