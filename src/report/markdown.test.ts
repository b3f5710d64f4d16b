import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checks } from '../checks/index.ts';
import { COMMENT_LIMIT, commentMarker, fenced, renderMarkdown } from './markdown.ts';
import { BASE, directory, failing, finding, report } from './sample-reports.ts';

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
      '[`db/migrations/0002_add_email.down.sql:1`]' +
        '(https://github.com/acme/shop/blob/abc123/db/migrations/0002_add_email.down.sql#L1)',
    ),
  );
  assert.match(md, /^### ❌ Migrations are not safe to merge: \d+ errors, \d+ warnings$/m);
  assertTablesIntact(md);
  t.assert.snapshot(md);
});

test(
  'markdown: backticks, pipes, angle brackets, percent signs and newlines cannot break out ' + 'of a cell or a fence',
  (t) => {
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
  },
);

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
  // Said at the top, with what was left out and where the rest is.
  assert.match(
    md.split('\n')[3]!,
    new RegExp(
      /^> ✂️ \*\*Shortened to fit 65,536 characters\*\*: left out .*, the end of the schema diff\. /.source +
        /The full report is in the job summary\.$/.source,
    ),
  );

  const many = report(
    Array.from({ length: 2_000 }, (_, i) => finding('sql-error', { line: i + 1, message: 'x'.repeat(200) })),
    { directories: [directory({ schema: { head: '', base: '', diff, summary: {} } })] },
  );
  const short = renderMarkdown(many);
  assert.ok(short.length <= COMMENT_LIMIT, `${short.length}`);
  assert.match(short, /^> ✂️ \*\*Shortened to fit 65,536 characters\*\*: left out .*the schema diff, .*some findings/m);
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

test('markdown: per migration, errors first; a consequence under its cause; the statement and the fix in view', (t) => {
  const md = renderMarkdown(failing(), {
    links: { repository: 'https://github.com/acme/shop', sha: 'a'.repeat(40) },
    runUrl: 'https://github.com/acme/shop/actions/runs/42',
    kind: 'comment',
  });
  // The consequence is not counted as an error of its own.
  assert.match(md, /^### ❌ Migrations are not safe to merge: 1 error, 1 warning$/m);
  const order = ['#### `0002_add_email` · 1 error', 'down-reverts-up', 'DROP INDEX public.users_email_idx;'];
  order.push('> **Follows from the finding above:**');
  order.push('> CREATE INDEX users_email_idx ON users (email);  -- ◀ line 1');
  order.push('#### `0001_create_users` · 1 warning');
  let at = -1;
  for (const part of order) {
    const next = md.indexOf(part);
    assert.ok(next > at, `${part} after the previous part`);
    at = next;
  }
  assert.match(md, /Generated from the schema before the up and after the down/);
  assert.match(md, /No statement was generated for this difference:\n- enum .*public\.mood.*: the down leaves/);
  // The comment leaves the steps to the job summary; its footer names the commit, the base and the run.
  assert.doesNotMatch(md, /Steps and timings/);
  assert.match(renderMarkdown(failing()), /Steps and timings/);
  assert.match(
    md,
    new RegExp(
      '<sub>commit `aaaaaaa` · base `main` \\(`bbbbbbb`\\) · Postgres 17\\.10 \\(container\\) · 1\\.2 s · ' +
        '\\[run\\]\\(https://github\\.com/acme/shop/actions/runs/42\\)</sub>',
    ),
  );
  t.assert.snapshot(md);
});

test('markdown: what was not checked is said at the top, and a run that checked nothing is not green', (t) => {
  const notChecked = [
    { versions: ['0002'], reason: 'db/migrations/0001_create_users.up.sql fails, and a deploy stops there' },
  ];
  const migrations = [
    { version: '0001', name: 'create_users', up: 'a.up.sql', down: null, status: 'new' as const },
    { version: '0002', name: 'add_email', up: 'b.up.sql', down: null, status: 'new' as const },
  ];
  const some = renderMarkdown(
    report([finding('sql-error')], { directories: [directory({ migrations, notChecked, base: BASE })] }),
  );
  assert.match(
    some.split('\n')[3]!,
    /^> ⚠️ 1 of 2 new migrations in db\/migrations was not checked because .*0001_create_users\.up\.sql fails/,
  );
  const none = report([], {
    ok: true,
    directories: [directory({ migrations: migrations.slice(1), notChecked, base: BASE })],
  });
  const md = renderMarkdown(none);
  assert.match(md, /^### ⚠️ No migration was checked$/m);
  assert.doesNotMatch(md, /✅/);
  t.assert.snapshot(md);
});

test('markdown: the per-migration object lists go before the schema diff is cut', () => {
  const changes = {
    table: { added: Array.from({ length: 8 }, (_, i) => `public.table_${i}`), removed: [], changed: [] },
  };
  const migrations = Array.from({ length: 180 }, (_, i) => ({
    version: String(i + 2).padStart(4, '0'),
    name: `add_tables_${i}`,
    up: `db/${i}.up.sql`,
    down: `db/${i}.down.sql`,
    status: 'new' as const,
    changes,
  }));
  const diff = Array.from({ length: 1_500 }, (_, i) => `+column public.table_${i}.id`).join('\n');
  const md = renderMarkdown(
    report([], { directories: [directory({ migrations, base: BASE, schema: { head: '', diff, summary: changes } })] }),
  );
  assert.ok(md.length <= COMMENT_LIMIT);
  assert.doesNotMatch(md, /Objects each new migration changes/);
  assert.ok(md.includes(diff), 'the whole diff is kept');
  assert.match(md, /^> ✂️ \*\*Shortened to fit 65,536 characters\*\*: left out the objects each migration changes/m);
  assert.match(
    renderMarkdown(report([], { directories: [directory({ migrations, base: BASE })] })),
    /Objects each new/,
  );
});
