import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatById } from '../formats/index.ts';
import { timestamp, timestampDate } from './timestamp.ts';
import { FORMAT } from './test-context.ts';

/** The timestamp findings for a golang-migrate directory holding these up files. */
async function findings(...ups: string[]) {
  const set = await formatById('golang-migrate').load(
    memoryDirectory('db', Object.fromEntries(ups.map((f) => [f, 'select 1;']))),
  );
  return timestamp.run({ format: FORMAT, set, replay: null }).map((f) => [f.file, f.message]);
}

/** A 14-digit version for a moment `hours` from now. */
const inHours = (hours: number) =>
  new Date(Date.now() + hours * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);

test(
  'timestamp: a version that names no date (month 13, 31 ' +
    'February, hour 24) is reported with its file, in version order',
  async () => {
    assert.deepEqual(
      await findings(
        '20241301120000_a.up.sql',
        '20240231120000_b.up.sql',
        '20240101240000_c.up.sql',
        '20240229120000_leap.up.sql',
      ),
      [
        [
          'db/20240101240000_c.up.sql',
          'Version 20240101240000 of 20240101240000_c.up.sql looks ' +
            'like a YYYYMMDDHHMMSS timestamp but is not a valid date.',
        ],
        [
          'db/20240231120000_b.up.sql',
          'Version 20240231120000 of 20240231120000_b.up.sql looks ' +
            'like a YYYYMMDDHHMMSS timestamp but is not a valid date.',
        ],
        [
          'db/20241301120000_a.up.sql',
          'Version 20241301120000 of 20241301120000_a.up.sql looks ' +
            'like a YYYYMMDDHHMMSS timestamp but is not a valid date.',
        ],
      ],
    );
    assert.equal(timestampDate('20240229120000')?.toISOString(), '2024-02-29T12:00:00.000Z');
  },
);

test('timestamp: a version more than a day ahead is in the future; within a day (time zones) it is not', async () => {
  const ahead = inHours(72);
  const [finding, ...rest] = await findings(`${inHours(12)}_soon.up.sql`, `${ahead}_later.up.sql`);
  assert.deepEqual(rest, []);
  assert.equal(finding?.[0], `db/${ahead}_later.up.sql`);
  assert.match(
    String(finding?.[1]),
    new RegExp(
      `^Version ${ahead} of ${ahead}_later\\.up\\.sql lies in the future ` +
        `\\(${ahead.slice(0, 4)}-${ahead.slice(4, 6)}-${ahead.slice(6, 8)}\\): ` +
        `every migration written before that date will sort before it`,
    ),
  );
});

test('timestamp: versions that are not 14-digit timestamps are not its business', async () => {
  assert.deepEqual(
    await findings('0001_a.up.sql', '20240101_b.up.sql', '30240101120000_c.up.sql', '202401011200001_d.up.sql'),
    [],
  );
});
