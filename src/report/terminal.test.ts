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
  const out = renderTerminal(
    report([], { directories: [directory({ schema: { head: '', base: '', diff, summary: {} } })] }),
    { color: false },
  );
  assert.match(out, /… 300 more lines: the whole diff is in --output json \(schema\.diff\)\./);
});

test('terminal and JSON: identifiers with backticks, pipes, angle brackets, percent signs and newlines are printed as they are', (t) => {
  const nasty = report([finding('sql-error', { message: 'column `we`ird | <x> 100%`\nnext line' })]);
  const out = renderTerminal(nasty, { color: false });
  assert.ok(out.includes('column `we`ird | <x> 100%`\n          next line'));
  assert.deepEqual(JSON.parse(renderJson(nasty)), nasty);
  t.assert.snapshot(renderJson(nasty));
});

test('terminal: a folder with many ignored files shows a count and the first five', (t) => {
  const note = (i: number) => ({ file: `notes/${String(i).padStart(4, '0')}.md`, reason: 'not a migration' });
  const ignored = Array.from({ length: 2791 }, (_, i) => note(i));
  const out = renderTerminal(report([], { directories: [directory({ ignored })] }), { color: false });
  const first = 'notes/0000.md, notes/0001.md, notes/0002.md, notes/0003.md, notes/0004.md';
  assert.ok(out.includes(`\n  2791 files ignored by golang-migrate: ${first} … and 2786 more (see --output json)\n`));
  assert.doesNotMatch(out, /0005\.md/);
  const few = renderTerminal(report([], { directories: [directory({ ignored: ignored.slice(0, 5) })] }), {
    color: false,
  });
  assert.match(few, /5 files ignored by golang-migrate: notes\/0000\.md, .*notes\/0004\.md\n/);
  t.assert.snapshot(out);
});

test('terminal: control characters in names, objects and messages are shown as escapes, with or without colour', () => {
  const hostile = report(
    [
      finding('sql-error', {
        file: 'db/0002_\x1b[2J\x1b]0;x\x07.up.sql',
        message: 'relation "a\x1b[31mb\rc\u202e" fails\n  second line',
        help: 'fix\nit',
      }),
    ],
    { directories: [directory({ path: 'db\n::x', ignored: [{ file: '9_\x9bz\t.sql', reason: 'x' }] })] },
  );
  for (const color of [false, true]) {
    const out = renderTerminal(hostile, { color });
    const raw = out.replace(/\x1b\[[0-9;]*m/g, '');
    assert.doesNotMatch(color ? raw : out, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/, 'a raw control character');
    assert.ok(raw.includes('db/0002_\\x1B[2J\\x1B]0;x\\x07.up.sql'));
    assert.ok(raw.includes('relation "a\\x1B[31mb\\rc\\u202E" fails\n            second line'), raw);
    assert.ok(raw.includes('db\\n::x  golang-migrate'));
    assert.ok(raw.includes('9_\\x9Bz\\t.sql'));
    assert.ok(raw.includes('help: fix\\nit'));
  }
});
