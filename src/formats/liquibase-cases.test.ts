import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFormattedSql, runsOnPostgres } from './liquibase-parse.ts';
import { isFormattedSql } from './liquibase.ts';

/**
 * Liquibase formatted SQL, case by case: `follows` names the upstream test in
 * FormattedSqlChangeLogParserTest.groovy (or the parser code the case follows:
 * AbstractFormattedChangeLogParser, DatabaseList.definitionMatches).
 */
const HEAD = '   \n\n--liquibase formatted sql\n\n';
const parses: { follows: string; text: string; sets: [author: string, id: string][] }[] = [
  {
    follows: 'parse changeset with colon in ID',
    text: `${HEAD}--changeset SteveZ:"ID:1" labels:onlytest\nCREATE TABLE contacts (id int);\n`,
    sets: [['SteveZ', 'ID:1']],
  },
  {
    follows: 'parse_startsWithSpace (an author with a space)',
    text: `${HEAD}--changeset John Doe:12345\ncreate table test (id int);\n`,
    sets: [['John Doe', '12345']],
  },
  {
    follows: 'parse strings that contain keywords not at the beginning',
    text: `${HEAD}--changeset a:1\nselect '--changeset x:y';\n`,
    sets: [['a', '1']],
  },
];
for (const c of parses) {
  test(`liquibase parse: ${c.follows}`, () => {
    assert.deepEqual(
      parseFormattedSql(c.text).map((s) => [s.author, s.id]),
      c.sets,
    );
  });
}

const refused: { follows: string; text: string; error: RegExp }[] = [
  {
    follows: 'parse changeset with invalid changeset attributes',
    text: '--liquibase formatted sql\n\n--changeset SteveZ: labels:onlytest\nCREATE TABLE contacts (id int);\n',
    error: /Unexpected formatting at line 3/,
  },
  {
    follows: 'parse changeset with one good one bad',
    text:
      `${HEAD}--changeset SteveZ:1\nCREATE TABLE contacts (id int);\n` +
      '--changeset Steve\ncreate table test (id int);\n',
    error: /--changeset <authorname>:<changesetId>/,
  },
  {
    follows: 'parse changeset with only author',
    text: `${HEAD}--changeset Steve\ncreate table test (id int);\n`,
    error: /Unexpected formatting at line 5/,
  },
  {
    follows: '"No SQL for changeset" (a changeset followed by the next one)',
    text: `${HEAD}--changeset a:1\n\n--changeset a:2\nselect 1;\n`,
    error: /No SQL for changeset a:1/,
  },
  {
    follows: 'extractMultiLineRollBack: "Liquibase rollback comment is not closed."',
    text: `${HEAD}--changeset a:1\nselect 1;\n/* liquibase rollback\ndrop table x;\n`,
    error: /rollback comment is not closed/,
  },
  {
    follows: 'a comment line outside of changesets',
    text: `${HEAD}--comment: nope\n--changeset a:1\nselect 1;\n`,
    error: /do not allow comment lines outside of changesets/,
  },
];
for (const c of refused) {
  test(`liquibase refuses: ${c.follows}`, () => {
    assert.throws(() => parseFormattedSql(c.text), c.error);
  });
}

test('liquibase example file: rollback lines, rollback blocks (joined without line breaks), not required', () => {
  const sets = parseFormattedSql(
    `${HEAD}--changeset a:1\ncreate table t1 (id int);\n--rollback drop table t1;\n` +
      '--changeset a:2\ncreate table t2 (id int);\n/* liquibase rollback\ndrop table t2;\ndrop table t3;\n*/\n' +
      '--changeset a:3\nselect 1;\n--rollback not required\n' +
      '--changeset a:4\n--preconditions onFail:MARK_RAN\n' +
      '--precondition-sql-check expectedResult:0 select 1\nselect 4;\n',
  );
  assert.deepEqual(
    sets.map((s) => s.rollback),
    [{ text: 'drop table t1;', line: 7 }, { text: 'drop table t2;drop table t3;', line: 11 }, 'empty', null],
  );
  assert.deepEqual(
    sets.map((s) => [s.sql?.text, s.preconditions]),
    [
      ['create table t1 (id int);', false],
      ['create table t2 (id int);', false],
      ['select 1;', false],
      ['select 4;', true],
    ],
  );
});

test('liquibase supports(): the first non-blank line is the header, in any case', () => {
  assert.equal(isFormattedSql('\n\n  -- Liquibase Formatted SQL\n'), true);
  assert.equal(isFormattedSql('--liquibase formatted sql'), true);
  assert.equal(isFormattedSql('select 1;\n--liquibase formatted sql'), false);
});

test('liquibase changeset attributes: runInTransaction, splitStatements, endDelimiter, context, dbms', () => {
  const [s] = parseFormattedSql(
    `${HEAD}--changeset a:1 runInTransaction:false splitStatements:false endDelimiter:/ context:"dev, test" ` +
      'dbms:postgresql,h2\nselect 1\n/\n',
  );
  const a = s!.attributes;
  assert.deepEqual(
    [a.runInTransaction, a.splitStatements, a.endDelimiter, a.context, a.dbms],
    [false, false, '/', 'dev, test', 'postgresql,h2'],
  );
});

test('liquibase DatabaseList.definitionMatches for dbms on PostgreSQL', () => {
  const cases: [string | null, boolean][] = [
    [null, true],
    ['postgresql', true],
    ['oracle,h2', false],
    ['!oracle', true],
    ['!postgresql', false],
    ['all', true],
    ['none', false],
  ];
  for (const [dbms, runs] of cases) assert.equal(runsOnPostgres(dbms), runs, String(dbms));
});
