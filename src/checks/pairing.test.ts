import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import { formatById } from '../formats/index.ts';
import { pairing } from './pairing.ts';

/** The pairing findings for a directory of this format, as severity, file and message. */
async function findings(format: string, files: Record<string, string>) {
  const set = await formatById(format).load(memoryDirectory('db', files));
  return pairing
    .run({ set, format: formatById(format), replay: null })
    .map((f) => [f.severity ?? 'error', f.file, f.message]);
}

test('pairing: a goose file without a Down section is a warning, worded for goose', async () => {
  const goose = await findings('goose', {
    '1_a.sql': '-- +goose Up\ncreate table a ();\n-- +goose Down\ndrop table a;\n',
    '2_b.sql': '-- +goose Up\ncreate table b ();\n',
  });
  assert.deepEqual(goose, [
    [
      'warning',
      'db/2_b.sql',
      '2_b.sql has no `-- +goose Down` section: `goose down` records the rollback of version 2 but changes nothing, ' +
        'so the schema keeps what its up did while the version says it is gone.',
    ],
  ]);
});

test('pairing: an up without a down is an error worded for golang-migrate, dbmate, sqlx and Flyway', async () => {
  const reversible = { '1_a.up.sql': 'select 1;', '1_a.down.sql': 'select 1;', '2_b.up.sql': 'select 1;' };
  const [golang] = await findings('golang-migrate', reversible);
  assert.deepEqual(golang, [
    'error',
    'db/2_b.up.sql',
    '2_b.up.sql has no down migration, while other migrations in db do: `migrate down` runs nothing for version 2 ' +
      'and still records it as rolled back, so the schema keeps what its up did while the version says it is gone.',
  ]);
  // dbmate refuses a file without a down block outright: that is a parse-error (see dbmate.test.ts),
  // not a pairing finding.
  const [dbmate] = await findings('dbmate', {
    '1_a.sql': '-- migrate:up\nselect 1;\n-- migrate:down\nselect 1;\n',
    '2_b.sql': '-- migrate:up\nselect 1;\n',
  });
  assert.equal(dbmate, undefined);
  const [sqlx] = await findings('sqlx', reversible);
  assert.match(String(sqlx?.[2]), /sqlx reverts only migrations that have one, so a revert skips version 2/);
  const [flyway] = await findings('flyway', { 'V1__a.sql': 'select 1;', 'U1__a.sql': 'select 1;', 'V2__b.sql': '' });
  assert.match(String(flyway?.[2]), /^V2__b\.sql has no undo migration \(`U2__….sql`\), .*`flyway undo` has nothing/);
});
