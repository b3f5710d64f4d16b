import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatById } from '../formats/index.ts';
import type { Step } from '../replay.ts';
import { outsideDatabase } from './outside-database.ts';
import { FORMAT, replayOf } from './test-context.ts';

const FILES = {
  '0001_a.up.sql': 'CREATE TABLE a (id int);\n',
  '0001_a.down.sql': 'DROP TABLE a;\n',
  '0002_role.up.sql': 'CREATE TABLE b (id int);\nCREATE ROLE reporting;\n',
  '0002_role.down.sql': 'DROP TABLE b;\n',
};
const step = (file: string, more: Partial<Step> = {}): Step => ({
  version: file.slice(0, 4),
  name: 'x',
  direction: 'up',
  attempt: 1,
  status: 'ok',
  file,
  durationMs: 1,
  ...more,
});
const replay = (...steps: Step[]) => replayOf(steps);
const set = () => formatById('golang-migrate').load(memoryDirectory('db', FILES));

test(
  'outside-database: on a throwaway server, what the SQL reaches ' +
    'and what the replay saw change, once per file, as a warning',
  async () => {
    const results = outsideDatabase.run({
      format: FORMAT,
      set: await set(),
      replay: replay(step('db/0002_role.up.sql', { outside: ['created role reporting: nologin'] })),
      provider: 'embedded',
    });
    assert.deepEqual(
      results.map((r) => [r.severity, r.file, r.line, r.message]),
      [
        [
          'warning',
          'db/0002_role.up.sql',
          2,
          'db/0002_role.up.sql acts outside its own database (line 2: CREATE ROLE; the replay saw it ' +
            'change the cluster: created role reporting: nologin). A deploy does this to the whole server.',
        ],
      ],
    );
  },
);

test('outside-database: a change only the replay saw (dynamic SQL) is still reported, without a line', async () => {
  const clean = await formatById('golang-migrate').load(
    memoryDirectory('db', { '0001_a.up.sql': "DO $$ BEGIN EXECUTE 'CREATE ROLE r'; END $$;\n" }),
  );
  const [finding] = outsideDatabase.run({
    format: FORMAT,
    set: clean,
    replay: replay(step('db/0001_a.up.sql', { outside: ['created role r: nologin'] })),
    provider: 'container',
  });
  assert.deepEqual([finding?.severity, finding?.line], ['warning', null]);
  assert.match(finding!.message, /\(the replay saw it change the cluster: created role r: nologin\)/);
});

test(
  'outside-database: on the server the user named, a refused ' +
    'file is an error saying it was not run, and not reported twice',
  async () => {
    const reach = {
      kind: 'role' as const,
      file: 'db/0002_role.up.sql',
      line: 2,
      column: 1,
      what: 'CREATE ROLE',
      text: 'CREATE ROLE reporting',
    };
    const refused = step('db/0002_role.up.sql', { status: 'failed', refused: [reach] });
    const results = outsideDatabase.run({ format: FORMAT, set: await set(), replay: replay(refused), provider: 'url' });
    assert.deepEqual(
      results.map((r) => [r.severity, r.file, r.line]),
      [['error', 'db/0002_role.up.sql', 2]],
    );
    assert.match(
      results[0]!.message,
      new RegExp(
        /^db\/0002_role\.up\.sql was not run on the server you named: line 2: CREATE ROLE acts outside /.source +
          /the scratch database, which migrate-check refuses there\./.source,
      ),
    );
    assert.match(results[0]!.help, /make them where the database is provisioned, or in `prerequisites`/);
  },
);
