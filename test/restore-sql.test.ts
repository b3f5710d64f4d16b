// The generated fix for a down that does not restore the schema, proved on real Postgres: for every
// fixture with a down-reverts-up finding, the fix appended to the down (as a reader would paste it)
// makes the roundtrip restore the schema from before the up.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { EXPECTATIONS } from './fixture-expectations.ts';
import { FIXTURES, sharedServer } from './helpers.ts';
import { RECREATE } from './restore-sql-cases.ts';

const server = sharedServer();
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function reportIn(dir: string, repo: boolean, args: string[]): Promise<Report> {
  // Seeded rows stay (the fix must restore tables that hold rows); what the server did is not judged here.
  const own = [...args, '--output', 'json', '--no-observe'];
  const run = await cliInProcess(repo ? own : [dir, ...own], {
    server: server(),
    ...(repo ? { cwd: dir } : {}),
  });
  assert.notEqual(run.code, 2, run.stderr);
  return JSON.parse(run.stdout) as Report;
}

describe('the generated fix for a down that does not restore the schema', () => {
  const fixtures = EXPECTATIONS.filter((e) => !e.history && e.findings.some((f) => f.check === 'down-reverts-up'));
  assert.ok(fixtures.length >= 8);
  for (const fixture of fixtures) {
    test(fixture.dir, async () => {
      const copy = mkdtempSync(join(tmpdir(), 'mc-restore-'));
      made.push(copy);
      cpSync(join(FIXTURES, fixture.dir), copy, { recursive: true });
      const args = fixture.args ?? [];
      const before = await reportIn(copy, Boolean(fixture.repo), args);
      const restores = before.directories.flatMap((d) => (d.restore ?? []).map((r) => ({ dir: d, r })));
      const findings = before.findings.filter((f) => f.check === 'down-reverts-up');
      assert.ok(findings.length > 0);
      for (const f of findings)
        assert.ok(
          restores.some(({ r }) => r.file === f.file),
          `a fix for ${f.file}`,
        );
      for (const { r } of restores) {
        assert.deepEqual(r.unsupported, []);
        assert.match(r.sql, /;$/);
        const file = fixture.repo ? join(copy, r.file) : join(copy, relative(copy, r.file));
        appendFileSync(file, `\n${r.sql}\n`);
      }
      const fixed = await reportIn(copy, Boolean(fixture.repo), args);
      const left = fixed.findings.filter((f) => ['down-reverts-up', 'up-repeatable', 'sql-error'].includes(f.check));
      assert.deepEqual(left, [], restores.map(({ r }) => r.sql).join('\n---\n'));
    });
  }
});

describe('the generated fix recreates what a down removed and restores what it changed', () => {
  for (const [name, files] of Object.entries(RECREATE)) {
    test(name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mc-restore-'));
      made.push(dir);
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      const args = ['--no-seed'];
      const before = await reportIn(dir, false, args);
      // The first migration's down leaves everything behind, the second's breaks what was there before.
      const restores = before.directories[0]!.restore ?? [];
      assert.equal(restores.length, 2, JSON.stringify(before.findings, null, 2));
      for (const restore of restores) {
        assert.deepEqual(restore.unsupported, []);
        appendFileSync(join(dir, relative(dir, restore.file)), `\n${restore.sql}\n`);
      }
      const fixed = await reportIn(dir, false, args);
      const left = fixed.findings.filter((f) => ['down-reverts-up', 'up-repeatable', 'sql-error'].includes(f.check));
      assert.deepEqual(left, [], restores.map((r) => r.sql).join('\n---\n'));
    });
  }
});
