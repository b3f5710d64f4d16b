import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checks } from '../checks/index.ts';
import { COMMENT_LIMIT, commentMarker, fenced, renderMarkdown } from './markdown.ts';
import { directory, finding, report } from './sample-reports.ts';

/** The lines outside fenced code blocks (a fence closes only with the same run of backticks). */
function outsideFences(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const open = /^(`{3,})/.exec(line)?.[1];
    if (fence === null && open) fence = open;
    else if (fence !== null && line === fence) fence = null;
    else if (fence === null) out.push(line);
  }
  assert.equal(fence, null, 'a fence was left open');
  return out;
}

/** Every table row keeps its four cells: nothing in a cell can add or remove a column. */
function assertTablesIntact(markdown: string): void {
  for (const row of outsideFences(markdown).filter((l) => l.startsWith('| '))) {
    const unescaped = row.replace(/\\\|/g, '').split('|').length - 1;
    assert.equal(unescaped, 5, `a row lost its shape: ${row}`);
  }
}

test('markdown: a clean run is a marker, a green verdict and the schema summary', (t) => {
  const md = renderMarkdown(report([]));
  assert.ok(md.startsWith(`${commentMarker(report([]))}\n### ✅ Migrations are safe to merge\n`));
  assert.doesNotMatch(md, /\| Severity/);
  t.assert.snapshot(md);
});

test('markdown: every check failing, with links to the docs and to the file at the head commit', (t) => {
  const all = report(checks.map((c, i) => finding(c.id, { line: i + 1, severity: i % 3 === 0 ? 'warning' : 'error' })));
  const md = renderMarkdown(all, { links: { repository: 'https://github.com/acme/shop', sha: 'abc123' } });
  for (const c of checks)
    assert.ok(
      md.includes(`[${c.id}](https://github.com/migrate-check/migrate-check/blob/main/docs/checks/${c.id}.md)`),
      c.id,
    );
  assert.ok(
    md.includes(
      '[`db/migrations/0002_add_email.down.sql:1`](https://github.com/acme/shop/blob/abc123/db/migrations/0002_add_email.down.sql#L1)',
    ),
  );
  assert.match(md, /^### ❌ Migrations are not safe to merge: \d+ errors, \d+ warnings$/m);
  assertTablesIntact(md);
  t.assert.snapshot(md);
});

test('markdown: backticks, pipes, angle brackets, percent signs and newlines cannot break out of a cell or a fence', (t) => {
  const nasty = 'we`ird | name <script>alert(1)</script> 100% done\nsecond line ``` ````';
  const md = renderMarkdown(
    report(
      [
        finding('sql-error', {
          message: `column \`public.${nasty}\` fails: ${nasty}`,
          help: `Fix ${nasty}`,
          file: 'db/a|b`c.sql',
        }),
      ],
      {
        directories: [
          directory({
            schema: {
              head: '',
              base: '',
              diff: `+CREATE FUNCTION f() AS $$ ${nasty} $$`,
              summary: { function: { added: [`public.${nasty}`], removed: [], changed: [] } },
            },
          }),
        ],
      },
    ),
  );
  // Raw HTML only ever appears inside code (spans or the fenced diff), where it is text.
  const prose = outsideFences(md)
    .map((l) => l.replace(/(`+)[^]*?\1/g, ''))
    .join('\n');
  assert.doesNotMatch(prose, /<script>/);
  assertTablesIntact(md);
  // The diff's own backtick runs (up to 4) are fenced with 5.
  assert.match(md, /\n`````diff\n[^]*\n`````\n/);
  t.assert.snapshot(md);
});

test('fenced blocks use a fence longer than any backtick run in their content', () => {
  assert.equal(fenced('diff', 'a'), '```diff\na\n```');
  assert.equal(fenced('diff', 'x ````` y'), '``````diff\nx ````` y\n``````');
});

test('markdown: a huge diff is cut to fit 65,536 characters and says so; a huger report keeps only the summary', () => {
  const diff = Array.from({ length: 20_000 }, (_, i) => `+column public.t${i}.id`).join('\n');
  const big = report([finding('down-reverts-up')], {
    directories: [directory({ schema: { head: '', base: '', diff, summary: {} } })],
  });
  const md = renderMarkdown(big);
  assert.ok(md.length <= COMMENT_LIMIT, `${md.length}`);
  assert.match(md, /The diff is cut here/);
  assert.match(md, /shortened to fit \(diff truncated\)/);

  const many = report(
    Array.from({ length: 2_000 }, (_, i) => finding('sql-error', { line: i + 1, message: 'x'.repeat(200) })),
    { directories: [directory({ schema: { head: '', base: '', diff, summary: {} } })] },
  );
  const short = renderMarkdown(many);
  assert.ok(short.length <= COMMENT_LIMIT, `${short.length}`);
  assert.match(short, /shortened to fit \(summary only\)/);
  assert.match(short, /…and \d+ more findings: see the job summary or the JSON report\./);
  assertTablesIntact(short);
});

test('markdown: whatever the input, the comment stays within budget and its tables intact', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const alphabet = 'ab|`<>%\n&*_[]()$\\ ';
  const text = (n: number) =>
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  for (let round = 0; round < 30; round++) {
    const findings = Array.from({ length: Math.floor(random() * 400) }, () =>
      finding('sql-error', { message: text(Math.floor(random() * 600)), help: text(50), file: text(20) }),
    );
    const diff = text(Math.floor(random() * 120_000));
    const md = renderMarkdown(
      report(findings, { directories: [directory({ schema: { head: '', base: '', diff, summary: {} } })] }),
    );
    assert.ok(md.length <= COMMENT_LIMIT, `round ${round}: ${md.length}`);
    assertTablesIntact(md);
  }
});
