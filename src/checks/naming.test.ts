import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatById } from '../formats/index.ts';
import { compareHistory } from '../history/status.ts';
import { naming } from './naming.ts';
import { FORMAT } from './test-context.ts';

const RULES = { snakeCase: true, verbPrefix: ['add_', 'create_'], versionWidth: 4 };
const dir = (files: string[]) => memoryDirectory('db', Object.fromEntries(files.map((f) => [f, `-- ${f}\n`])));

test('naming: each convention a name breaks is listed, in one finding per migration', async () => {
  const set = await formatById('golang-migrate').load(
    dir(['0001_create_users.up.sql', '0002_Add-Email.up.sql', '00003_drop_x.up.sql']),
  );
  assert.deepEqual(
    naming.run({ format: FORMAT, set, replay: null, conventions: RULES }).map((f) => [f.file, f.message]),
    [
      [
        'db/0002_Add-Email.up.sql',
        '0002_Add-Email.up.sql breaks the naming conventions in your config: its name ' +
          'is not lower-case snake_case; its name does not start with one of add_, create_.',
      ],
      [
        'db/00003_drop_x.up.sql',
        '00003_drop_x.up.sql breaks the naming conventions in your config: its name ' +
          'does not start with one of add_, create_; its version has 5 digits instead of 4.',
      ],
    ],
  );
  // Without conventions in the config, none of that is checked.
  assert.deepEqual(naming.run({ format: FORMAT, set, replay: null }), []);
});

test('naming: with a base branch only the new migrations are held to the conventions', async () => {
  const format = formatById('golang-migrate');
  const [base, head] = [dir(['01_Old.up.sql']), dir(['01_Old.up.sql', '0002_Bad.up.sql'])];
  const headSet = await format.load(head);
  const history = await compareHistory(
    headSet,
    (f) => head.read(f),
    await format.load(base),
    (f) => base.read(f),
    { ref: 'main', commit: 'c0ffee' },
  );
  assert.deepEqual(
    naming.run({ format: FORMAT, set: headSet, replay: null, history, conventions: RULES }).map((f) => f.file),
    ['db/0002_Bad.up.sql'],
  );
});

test(
  'naming: what the format recorded while reading (a ' + 'file its runner skips) is reported as it was recorded',
  async () => {
    const set = await formatById('flyway').load(dir(['V1__init.sql', 'V2__readme.md']));
    const [finding, ...rest] = naming.run({ format: FORMAT, set, replay: null });
    assert.deepEqual(rest, []);
    assert.equal(finding?.file, 'db/V2__readme.md');
    assert.equal(finding?.severity, 'notice');
    assert.match(finding!.message, /V2__readme\.md looks like a migration, but flyway only runs `\.sql` files/);
  },
);
