import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatById } from '../formats/index.ts';
import { compareHistory } from '../history/status.ts';
import { historyEdited } from './history-edited.ts';
import { FORMAT } from './test-context.ts';

/** The history-edited findings for a PR that turns the base's golang-migrate files into the head's. */
async function findings(base: Record<string, string>, head: Record<string, string>) {
  const format = formatById('golang-migrate');
  const [baseDir, headDir] = [memoryDirectory('db', base), memoryDirectory('db', head)];
  const headSet = await format.load(headDir);
  const history = await compareHistory(
    headSet,
    (f) => headDir.read(f),
    await format.load(baseDir),
    (f) => baseDir.read(f),
    { ref: 'main', commit: 'c0ffee' },
  );
  return historyEdited.run({ format: FORMAT, set: headSet, replay: null, history }).map((f) => [f.file, f.message]);
}

const BASE = {
  '1_a.up.sql': 'CREATE TABLE a (id int);\n',
  '1_a.down.sql': 'DROP TABLE a;\n',
  '2_b.up.sql': 'CREATE TABLE b (id int);\n',
};

test('history-edited: an edit shows its diff; line endings alone are said to be only that', async () => {
  const [edit] = await findings(BASE, { ...BASE, '1_a.up.sql': 'CREATE TABLE a (id bigint);\n' });
  assert.equal(edit?.[0], 'db/1_a.up.sql');
  assert.match(
    String(edit?.[1]),
    new RegExp(
      /^1_a\.up\.sql already exists on main and was edited: databases that applied it keep the old version, /.source +
        /new ones get this one\.\n[^]*-CREATE TABLE a \(id int\);\n\+CREATE TABLE a \(id bigint\);/.source,
    ),
  );
  assert.deepEqual(await findings(BASE, { ...BASE, '1_a.down.sql': 'DROP TABLE a;\r\n' }), [
    [
      'db/1_a.down.sql',
      '1_a.down.sql already exists on main and only its line endings changed (CRLF ↔ LF): ' +
        'tools that checksum files (Flyway, sqlx, migrate-check.sum) will call it edited.',
    ],
  ]);
});

test('history-edited: a renamed or deleted migration, and a deleted half of one', async () => {
  const { '2_b.up.sql': b, ...withoutB } = BASE;
  assert.deepEqual(await findings(BASE, { ...withoutB, '3_b.up.sql': b }), [
    [
      'db/3_b.up.sql',
      '2_b.up.sql on main was renamed to 3_b.up.sql: databases that applied it ' +
        'will apply it again under its new version, or consider the old one missing.',
    ],
  ]);
  assert.deepEqual(await findings(BASE, withoutB), [
    [
      'db/2_b.up.sql',
      '2_b.up.sql exists on main but was deleted: databases that applied it keep its changes, new ones never get them.',
    ],
  ]);
  const { '1_a.down.sql': _down, ...withoutDown } = BASE;
  assert.deepEqual(await findings(BASE, withoutDown), [
    ['db/1_a.down.sql', '1_a.down.sql exists on main but was deleted, while the rest of its migration stays.'],
  ]);
});

test(
  'history-edited: a down added to a merged migration ' + 'changes no database; an unreadable base is a notice',
  async () => {
    assert.deepEqual(await findings(BASE, { ...BASE, '2_b.down.sql': 'DROP TABLE b;\n' }), []);
    const set = await formatById('golang-migrate').load(memoryDirectory('db', BASE));
    const [notice] = historyEdited.run({
      format: FORMAT,
      set,
      replay: null,
      historyUnavailable: 'the base `main` is not in this clone',
    });
    assert.deepEqual(
      [notice?.severity, notice?.message],
      ['notice', 'The history checks did not run for db: the base `main` is not in this clone.'],
    );
  },
);
