import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatById } from '../formats/index.ts';
import { compareHistory } from '../history/status.ts';
import { versionOrder } from './version-order.ts';
import { FORMAT } from './test-context.ts';

/** The version-order findings for a PR that turns the base's golang-migrate files into the head's. */
async function findings(base: string[], head: string[]) {
  const format = formatById('golang-migrate');
  const dir = (files: string[]) => memoryDirectory('db', Object.fromEntries(files.map((f) => [f, `-- ${f}\n`])));
  const [baseDir, headDir] = [dir(base), dir(head)];
  const [baseSet, headSet] = [await format.load(baseDir), await format.load(headDir)];
  const history = await compareHistory(
    headSet,
    (f) => headDir.read(f),
    baseSet,
    (f) => baseDir.read(f),
    { ref: 'main', commit: 'c0ffee' },
  );
  return versionOrder.run({ format: FORMAT, set: headSet, replay: null, history }).map((f) => [f.file, f.message]);
}

test('version-order: a new migration below the newest one on the base branch, named with both versions', async () => {
  assert.deepEqual(
    await findings(
      ['0001_a.up.sql', '0005_e.up.sql'],
      ['0001_a.up.sql', '0003_c.up.sql', '0005_e.up.sql', '0006_f.up.sql'],
    ),
    [
      [
        'db/0003_c.up.sql',
        '0003_c.up.sql is new, but version 0003 sorts before 0005_e.up.sql (version 0005), which ' +
          'is already on main: where the base is deployed, golang-migrate will skip it or refuse it.',
      ],
    ],
  );
});

test('version-order: new migrations after the base, a first PR, and no base at all are in order', async () => {
  assert.deepEqual(await findings(['0001_a.up.sql'], ['0001_a.up.sql', '0002_b.up.sql', '0003_c.up.sql']), []);
  assert.deepEqual(await findings([], ['0001_a.up.sql', '0002_b.up.sql']), []);
  const set = await formatById('golang-migrate').load(memoryDirectory('db', { '0001_a.up.sql': 'select 1;' }));
  assert.deepEqual(versionOrder.run({ format: FORMAT, set, replay: null }), []);
});

test('version-order: a base migration deleted by the PR does not count as already deployed', async () => {
  assert.deepEqual(await findings(['0001_a.up.sql', '0005_e.up.sql'], ['0001_a.up.sql', '0003_c.up.sql']), []);
});
