import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checks } from '../checks/index.ts';
import { renderJson } from './json.ts';
import { directory, finding, report } from './sample-reports.ts';
import { renderTerminal } from './terminal.ts';

test('terminal: a clean run, verdict first, then the schema changes and their diff', (t) => {
  const out = renderTerminal(report([]), { color: false });
  assert.ok(out.startsWith('✓ Migrations are safe to merge\n'));
  assert.match(out, /Schema changes in db\/migrations \(base → head\)\n {2}table {14}\+1 public\.users/);
  t.assert.snapshot(out);
});

test('terminal: every check failing, grouped by file; colour only when asked', (t) => {
  const all = report(checks.map((c, i) => finding(c.id, { line: i + 1, file: i % 2 ? 'db/a.sql' : 'db/b.sql' })));
  const plain = renderTerminal(all, { color: false });
  assert.doesNotMatch(plain, /\x1b\[/);
  assert.match(renderTerminal(all, { color: true }), /\x1b\[31m/);
  t.assert.snapshot(plain);
});

test('terminal: a huge diff is cut after 200 lines, pointing at the JSON report', () => {
  const diff = Array.from({ length: 500 }, (_, i) => `+column public.t${i}.id`).join('\n');
  const out = renderTerminal(report([], { directories: [directory({ schema: { head: '', base: '', diff, summary: {} } })] }), { color: false });
  assert.match(out, /… 300 more lines: the whole diff is in --output json \(schema\.diff\)\./);
});

test('terminal and JSON: identifiers with backticks, pipes, angle brackets, percent signs and newlines are printed as they are', (t) => {
  const nasty = report([finding('sql-error', { message: 'column `we`ird | <x> 100%`\nnext line' })]);
  const out = renderTerminal(nasty, { color: false });
  assert.ok(out.includes('column `we`ird | <x> 100%`\n          next line'));
  assert.deepEqual(JSON.parse(renderJson(nasty)), nasty);
  t.assert.snapshot(renderJson(nasty));
});
