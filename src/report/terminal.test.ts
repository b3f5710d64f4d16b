import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checks } from '../checks/index.ts';
import { renderJson } from './json.ts';
import { directory, failing, finding, report } from './sample-reports.ts';
import { renderTerminal, wrap } from './terminal.ts';

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

test(
  'terminal and JSON: identifiers with backticks, pipes, angle brackets, percent signs and newlines ' +
    'are printed as they are',
  (t) => {
    const nasty = report([finding('sql-error', { message: 'column `we`ird | <x> 100%`\nnext line' })]);
    const out = renderTerminal(nasty, { color: false });
    assert.ok(out.includes('column `we`ird | <x> 100%`\n      next line'));
    assert.deepEqual(JSON.parse(renderJson(nasty)), nasty);
    t.assert.snapshot(renderJson(nasty));
  },
);

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
    assert.ok(raw.includes('relation "a\\x1B[31mb\\rc\\u202E" fails\n        second line'), raw);
    assert.ok(raw.includes('db\\n::x  golang-migrate'));
    assert.ok(raw.includes('9_\\x9Bz\\t.sql'));
    assert.ok(raw.includes('help: fix\\nit'));
  }
});

test(
  'terminal: path:line:col per finding, grouped per migration, the fix, wrapped to the width, ' + 'the verdict last',
  (t) => {
    const out = renderTerminal(failing(), { color: false, width: 80 });
    const lines = out.trimEnd().split('\n');
    assert.equal(lines[0], '✗ Migrations are not safe to merge: 1 error, 1 warning');
    assert.equal(lines.at(-1), lines[0]);
    // Only a line that holds a path or a link (never broken) is longer.
    assert.ok(
      lines.every((l) => l.length <= 80 || l.includes('/')),
      out,
    );
    assert.ok(
      out.includes('\n0002_add_email  1 error\n  db/migrations/0002_add_email.down.sql: error down-reverts-up\n'),
    );
    assert.ok(out.includes('        DROP INDEX public.users_email_idx;\n'));
    assert.ok(
      out.includes(
        '    ↳ follows from the finding above:\n    db/migrations/0002_add_email.up.sql:1: error up-repeatable',
      ),
    );
    // A long message wraps with a hanging indent.
    assert.match(
      out,
      /\n {6}0002_add_email\.up\.sql applies once but fails when applied again after its\n {6}down: relation exists\n/,
    );
    t.assert.snapshot(out);
  },
);

test('terminal: --quiet prints only the findings and the verdict', (t) => {
  const out = renderTerminal(failing(), { color: false, quiet: true });
  assert.ok(out.startsWith('0002_add_email  1 error\n'));
  assert.ok(out.endsWith('\n\n✗ Migrations are not safe to merge: 1 error, 1 warning\n'));
  assert.doesNotMatch(out, /Postgres 17|Schema changes/);
  assert.equal(renderTerminal(report([]), { color: false, quiet: true }), '✓ Migrations are safe to merge\n');
  t.assert.snapshot(out);
});

test('wrap: a hanging indent, words kept whole, colour codes take no columns', () => {
  assert.deepEqual(wrap('aaa bbb ccc', 9, '  ', ''), ['aaa bbb', '  ccc']);
  assert.deepEqual(wrap('\x1b[2mhelp:\x1b[22m abc', 9, '', ''), ['\x1b[2mhelp:\x1b[22m abc']);
  assert.deepEqual(wrap('averyveryverylongword x', 5, ' ', ''), ['averyveryverylongword', ' x']);
});

test('terminal for a GitHub Actions log: the schema diff in a group; no other line can be a workflow command', () => {
  const hostile = report([finding('sql-error', { message: 'x\n::add-mask::secret\n##[error]y' })], {
    directories: [directory({ path: 'db\n::stop-commands::z' })],
  });
  const out = renderTerminal(hostile, { color: false, log: 'github' });
  const commands = out.split('\n').filter((l) => /^\s*::/.test(l) || l.includes('##['));
  assert.deepEqual(commands, ['::group::Schema diff of db\\n::stop-commands::z (base → head)', '::endgroup::']);
  assert.match(out, /::group::.*\n--- base\n\+\+\+ head\n@@ -0,0 \+1 @@\n\+table public\.users\n::endgroup::\n/);
});
