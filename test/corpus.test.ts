import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, corpusDir } from './helpers.ts';

// Real migration directories from public projects (../shared/corpus, see its README). A clone
// on a user's machine has no ../shared: each case then skips and says so.
const skip = (name: string) => (corpusDir(name) ? false : `../shared/corpus/${name} is absent; the corpus lane needs the shared corpus`);

test('corpus: goharbor/harbor applies cleanly (up-only golang-migrate, alters schema_migrations)', { skip: skip('goharbor__harbor') }, async () => {
  const { code, stdout } = await cli([`${corpusDir('goharbor__harbor')}/make/migrations/postgresql`, '--output', 'json']);
  const report = JSON.parse(stdout) as Report;
  assert.deepEqual(report.findings, []);
  assert.equal(code, 0);
  assert.equal(report.directories[0]?.migrations.length, 39);
  assert.ok(report.directories[0]?.steps.every((s) => s.status === 'ok'));
});

test('corpus: riverqueue/river (templated) round-trips as a whole, and per migration shows 004\'s lossy down', { skip: skip('riverqueue__river') }, async (t) => {
  const dir = `${corpusDir('riverqueue__river')}/riverdriver/riverpgxv5/migration/main`;
  // River renders `/* TEMPLATE: schema */` (also inside string literals) to a schema prefix.
  const cwd = mkdtempSync(join(tmpdir(), 'mc-river-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  writeFileSync(join(cwd, 'migrate-check.json'), JSON.stringify({ placeholders: { '/* TEMPLATE: schema */': '' } }));
  const all = await cli([dir, '--roundtrip', 'all', '--output', 'json'], { cwd });
  assert.equal(all.code, 0, all.stdout);
  const per = await cli([dir, '--output', 'json', '--postgres-version', '15'], { cwd });
  const report = JSON.parse(per.stdout) as Report;
  assert.equal(per.code, 1);
  assert.deepEqual(report.findings.map((f) => `${f.check} ${f.file?.split('/').at(-1)}`), ['down-reverts-up 004_pending_and_more.down.sql']);
  // The enum value its own comment says cannot be removed, and the column default it drops.
  assert.match(report.findings[0]!.message, /enum `public\.river_job_state` is not restored/);
  assert.match(report.findings[0]!.message, /column `public\.river_job\.metadata` is not restored[^]*-not null\n-default '\{\}'::jsonb/);
});
