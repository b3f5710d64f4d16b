// One long directory replayed in consecutive ranges side by side (`jobs`), each on an embedded
// server of its own: the report is the one the whole replay on one server gives (the same steps,
// findings, schemas and verdict), for a history that passes and for one whose down is broken.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateMigrations } from '../bench/generate.ts';
import type { Report } from '../src/report/report.ts';
import { cli } from './helpers.ts';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What a reader of the report sees, without the figures that vary from run to run. */
const seen = (r: Report) => ({
  ok: r.ok,
  findings: r.findings.map((f) => `${f.check} ${f.severity} ${f.file}:${f.line ?? ''} ${f.message}`),
  directories: r.directories.map((d) => ({
    steps: d.steps.map((s) => `${s.version} ${s.direction} ${s.attempt} ${s.status}`),
    notChecked: d.notChecked ?? [],
    head: d.schema.head,
  })),
});

async function both(dir: string) {
  const run = async (...extra: string[]) => {
    const r = await cli([dir, '--output', 'json', '--no-observe', '--no-seed', ...extra], { env: { CI: '' } });
    assert.notEqual(r.code, 2, r.stderr);
    return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
  };
  return { whole: await run('--jobs', '1'), ranges: await run('--jobs', '2') };
}

test('300 migrations in two ranges side by side: the report of the whole replay', async () => {
  const dir = await history(() => {});
  const { whole, ranges } = await both(dir);
  assert.equal(whole.code, 0, whole.stderr);
  assert.equal(ranges.code, 0, ranges.stderr);
  assert.deepEqual(seen(ranges.report), seen(whole.report));
  assert.equal(ranges.report.directories[0]!.steps.length, 900);
  assert.equal(ranges.report.shards, undefined, 'one run, not shards');
  assert.equal(ranges.report.shard, undefined);
});

/** 300 generated migrations, with `edit` applied to the up and down files (sorted). */
async function history(edit: (ups: string[], downs: string[], dir: string) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-ranges-'));
  made.push(dir);
  await generateMigrations(dir, 300);
  const files = readdirSync(dir).sort();
  edit(
    files.filter((f) => f.endsWith('.up.sql')),
    files.filter((f) => f.endsWith('.down.sql')),
    dir,
  );
  return dir;
}

test('a down that fails in the first range and one that leaves a table in the second: the same findings', async () => {
  const dir = await history((_, downs, d) => {
    appendFileSync(join(d, downs[99]!), 'SELECT no_such_function();\n');
    appendFileSync(join(d, downs[249]!), 'CREATE TABLE left_behind (id int);\n');
  });
  const { whole, ranges } = await both(dir);
  assert.equal(whole.code, 1);
  assert.equal(ranges.code, 1);
  assert.deepEqual(seen(ranges.report), seen(whole.report));
  const checks = new Set(whole.report.findings.map((f) => f.check));
  assert.ok(checks.has('sql-error') && checks.has('down-reverts-up'), [...checks].join(', '));
});

test('an up that fails in the first range: the second range, which applies it first, is not checked either', async () => {
  const dir = await history((ups, _, d) => appendFileSync(join(d, ups[119]!), 'SELECT no_such_function();\n'));
  const { whole, ranges } = await both(dir);
  assert.equal(ranges.code, 1);
  assert.deepEqual(seen(ranges.report), seen(whole.report));
  assert.match(
    JSON.stringify(ranges.report.directories[0]!.notChecked),
    /"versions":\["0121",.*"0300"\],"reason":"[^"]*0120[^"]*fails, and a deploy stops there"/,
  );
});
