import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatById } from '../formats/index.ts';
import { versionGap } from './version-gap.ts';
import { FORMAT } from './test-context.ts';

async function findings(format: string, files: string[]) {
  const set = await formatById(format).load(
    memoryDirectory('db', Object.fromEntries(files.map((f) => [f, 'select 1;']))),
  );
  return versionGap.run({ format: FORMAT, set, replay: null }).map((f) => [f.file, f.message]);
}

test('version-gap: a missing number, and a missing range, each named at the migration after the gap', async () => {
  assert.deepEqual(await findings('plain', ['0001_a.sql', '0002_b.sql', '0004_c.sql', '0008_d.sql', '0009_e.sql']), [
    ['db/0004_c.sql', '0004_c.sql (version 0004) follows version 0002: version 3 is missing.'],
    ['db/0008_d.sql', '0008_d.sql (version 0008) follows version 0004: version 5–7 is missing.'],
  ]);
});

test('version-gap: numbers that follow each other, timestamps and repeatable migrations have no gaps', async () => {
  assert.deepEqual(await findings('plain', ['1_a.sql', '2_b.sql', '3_c.sql']), []);
  assert.deepEqual(await findings('golang-migrate', ['20240101000000_a.up.sql', '20240301000000_b.up.sql']), []);
  assert.deepEqual(await findings('flyway', ['V1__a.sql', 'V2__b.sql', 'R__view.sql']), []);
});
