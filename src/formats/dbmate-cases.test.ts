import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DBMATE_ERRORS, blockOptions, parseDbmate } from './dbmate-parse.ts';

// Cases that follow dbmate's own parser tests (github.com/amacneil/dbmate
// pkg/dbmate/migration_test.go TestParse and TestParseMigrationContents). Each section is
// [up, up in a transaction, down, down in a transaction], the blocks exactly as dbmate sends them.
type Section = [string, boolean, string, boolean];
const sections = (text: string): Section[] => {
  const parsed = parseDbmate(text);
  assert.ok(!('error' in parsed), 'error' in parsed ? parsed.error : '');
  return parsed.sections.map((s) => [s.up.sql, s.up.transaction, s.down.sql, s.down.transaction]);
};
const error = (text: string) => {
  const parsed = parseDbmate(text);
  return 'error' in parsed ? parsed.error : null;
};

const USERS_UP = 'create table users (id serial, name text);';
const valid: [string, string, Section[]][] = [
  [
    'TestParse',
    `-- migrate:up\n${USERS_UP}\n-- migrate:down\ndrop table users;\n`,
    [[`-- migrate:up\n${USERS_UP}\n`, true, '-- migrate:down\ndrop table users;\n', true]],
  ],
  [
    'TestParseMigrationContents "support the typical use case"',
    `-- migrate:up\n${USERS_UP}\n-- migrate:down\ndrop table users;`,
    [[`-- migrate:up\n${USERS_UP}\n`, true, '-- migrate:down\ndrop table users;', true]],
  ],
  [
    `TestParseMigrationContents "do not require space between '--' and 'migrate'"`,
    `\n--migrate:up\n${USERS_UP}\n\n--migrate:down\ndrop table users;\n`,
    [[`--migrate:up\n${USERS_UP}\n\n`, true, '--migrate:down\ndrop table users;\n', true]],
  ],
  [
    'TestParseMigrationContents "allow leading comments and whitespace preceding the migrate blocks"',
    `\n-- This migration creates the users table.\n-- It'll drop it in the event of a rollback.\n\n-- migrate:up\n` +
      `${USERS_UP}\n\n-- migrate:down\ndrop table users;\n`,
    [[`-- migrate:up\n${USERS_UP}\n\n`, true, '-- migrate:down\ndrop table users;\n', true]],
  ],
  [
    'TestParseMigrationContents "ensure Windows CR/LF line endings … without migration options"',
    `-- migrate:up\r\n${USERS_UP}\r\n-- migrate:down\r\ndrop table users;\r\n`,
    [[`-- migrate:up\r\n${USERS_UP}\r\n`, true, '-- migrate:down\r\ndrop table users;\r\n', true]],
  ],
  [
    'TestParseMigrationContents "ensure Windows CR/LF line endings … with migration options"',
    `-- migrate:up transaction:true\r\n${USERS_UP}\r\n-- migrate:down transaction:true\r\ndrop table users;\r\n`,
    [
      [
        `-- migrate:up transaction:true\r\n${USERS_UP}\r\n`,
        true,
        '-- migrate:down transaction:true\r\ndrop table users;\r\n',
        true,
      ],
    ],
  ],
];
for (const [name, text, expected] of valid) {
  test(`dbmate migration_test.go ${name}`, () => assert.deepEqual(sections(text), expected));
}

const DISABLING = 'TestParseMigrationContents "support disabling transactions"';
test(`dbmate migration_test.go ${DISABLING}: five sections, each its own options`, () => {
  const color = (c: string) => `ALTER TYPE colors ADD VALUE '${c}' AFTER 'red';\n`;
  const markers: [string, string, string][] = [
    ['orange', ' transaction:false', ' transaction:false'],
    ['green', ' transaction:true', ' transaction:true'],
    ['yellow', '', ''],
    ['blue', ' transaction:false', ''],
    ['purple', '', ' transaction:false'],
  ];
  const section = ([c, up, down]: [string, string, string]) =>
    `-- migrate:up${up}\n${color(c)}-- migrate:down${down}\n${color(c)}`;
  const text = markers.map(section).join('');
  const expected = markers.map(
    ([c, up, down]): Section => [
      `-- migrate:up${up}\n${color(c)}`,
      up !== ' transaction:false',
      `-- migrate:down${down}\n${color(c)}`,
      down !== ' transaction:false',
    ],
  );
  assert.deepEqual(sections(text), expected);
});

const refused: [string, string, string][] = [
  // Upstream asserts only that an error occurs; the text before the up marker is a statement.
  [
    '"require up before down"',
    `-- migrate:down\ndrop table users;\n-- migrate:up\n${USERS_UP}\n`,
    DBMATE_ERRORS.unexpectedStatement,
  ],
  [
    '"require migrate blocks"',
    "\nALTER TABLE users\nADD COLUMN status status_type DEFAULT 'active';\n",
    DBMATE_ERRORS.missingUp,
  ],
  ['"require an up block"', '-- migrate:down\ndrop table users;\n', DBMATE_ERRORS.missingUp],
  ['"require a down block"', `-- migrate:up\n${USERS_UP}\n`, DBMATE_ERRORS.missingDown],
  [
    '"do not allow arbitrary statements preceding the migrate blocks"',
    "\n-- create status_type\nCREATE TYPE status_type AS ENUM ('active', 'inactive');\n\n-- migrate:up\n" +
      'ALTER TABLE users ADD COLUMN s status_type;\n\n' +
      '-- migrate:down\nALTER TABLE users DROP COLUMN s;\n',
    DBMATE_ERRORS.unexpectedStatement,
  ],
  [
    '"require a down block in each section"',
    `-- migrate:up\n${USERS_UP}\n-- migrate:up\ncreate table statuses (id serial);\n-- migrate:down\n` +
      `drop table statuses;\n`,
    DBMATE_ERRORS.missingDown,
  ],
  [
    '"reject multiple down annotations in a single section"',
    `-- migrate:up\n${USERS_UP}\n-- migrate:down\ndrop table users;\n-- migrate:down\ndrop table statuses;\n`,
    DBMATE_ERRORS.multipleDown,
  ],
];
for (const [name, text, expected] of refused) {
  test(`dbmate migration_test.go TestParseMigrationContents ${name}`, () => assert.equal(error(text), expected));
}

test('dbmate migration.go parseMigrationOptions doc example: "transaction:false" and ill-formed pairs', () => {
  assert.deepEqual([...blockOptions('-- migrate:up transaction:false')], [['transaction', 'false']]);
  assert.deepEqual(
    [...blockOptions('-- migrate:down -- undo a:b:c transaction:FALSE\nselect 1;')],
    [['transaction', 'FALSE']],
  );
});

test('dbmate: a down marker with text after it is still the down marker (it used to run as part of the up)', () => {
  for (const marker of ['-- migrate:down transaction:false ', '-- migrate:down -- undo']) {
    const [section] = sections(`-- migrate:up\ncreate table a ();\n${marker}\ndrop table a;\n`);
    assert.deepEqual(section, [
      '-- migrate:up\ncreate table a ();\n',
      true,
      `${marker}\ndrop table a;\n`,
      !marker.includes('false'),
    ]);
  }
  // Not markers: another word glued to the marker, or a marker that does not start its line.
  assert.equal(error('-- migrate:up\nselect 1;\n-- migrate:downgrade\n  -- migrate:down\n'), DBMATE_ERRORS.missingDown);
});
