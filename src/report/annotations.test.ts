import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../checks/check.ts';
import { renderAnnotations } from './annotations.ts';
import { finding as sample, report } from './sample-reports.ts';

const finding = (over: Partial<Finding> = {}): Finding =>
  sample(over.check ?? 'sql-error', { file: 'db/0002_a.up.sql', line: 4, message: 'fails', help: 'fix it', ...over });

test('annotations: file, line and title as properties; message and help as data; all escaped', (t) => {
  const out = renderAnnotations(
    report([finding({ file: 'db/a,b:c.sql', message: '100% broken\nsecond line', help: 'a, b: c' })]),
  );
  assert.equal(
    out,
    '::error file=db/a%2Cb%3Ac.sql,line=4,title=migrate-check sql-error::100%25 broken%0Asecond line%0A%0Aa, b: c\n',
  );
  t.assert.snapshot(
    renderAnnotations(
      report([
        finding(),
        finding({ severity: 'warning', check: 'timestamp', line: null }),
        finding({ severity: 'notice', file: null, line: null }),
      ]),
    ),
  );
});

test('annotations: at most 10 per severity, then one notice counting the rest', () => {
  const many = [
    ...Array.from({ length: 14 }, (_, i) => finding({ line: i + 1 })),
    ...Array.from({ length: 12 }, () => finding({ severity: 'warning' })),
  ];
  const lines = renderAnnotations(report(many)).trimEnd().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('::error ')).length, 10);
  assert.equal(lines.filter((l) => l.startsWith('::warning ')).length, 10);
  assert.equal(lines.at(-1), '::notice title=migrate-check::6 more findings not annotated here: see the job summary.');
  assert.equal(renderAnnotations(report([])), '');
});

test('annotations: a hostile file name or message stays inside its one annotation line', () => {
  const file = 'db/0001_x\n::add-mask::secret,a:b%.up.sql';
  const out = renderAnnotations(report([finding({ file, line: 3, message: 'a\r\n::warning::pwned 100%' })]));
  const lines = out.trimEnd().split(/\r\n|\r|\n/);
  assert.equal(lines.length, 1, out);
  assert.match(lines[0]!, /^::error file=db\/0001_x%0A%3A%3Aadd-mask%3A%3Asecret%2Ca%3Ab%25\.up\.sql,line=3,/);
  // A CR in a message is shown as `\r`, as in the terminal; the line break stays one, escaped.
  assert.match(lines[0]!, /,title=migrate-check sql-error::a\\r%0A::warning::pwned 100%25/);
});

test('annotations: a file name with a control character is named in the message, escaped, not in file=', () => {
  const names = ['db/0001_a\x1b[31m.up.sql', 'db/0001_a\tb.up.sql', 'db/0001_\u009b3.up.sql', 'db/0001_\u202e.up.sql'];
  for (const file of names) {
    const out = renderAnnotations(report([finding({ file, line: 3, message: `${file} fails` })]));
    assert.doesNotMatch(out, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/, JSON.stringify(out));
    assert.doesNotMatch(out, /file=|line=/, out);
    const named = /^::error title=migrate-check sql-error::db\/0001_\S+\.up\.sql, line 3: db\/\S+ fails%0A%0Afix it\n$/;
    assert.match(out, named, out);
  }
  const out = renderAnnotations(report([finding({ file: 'db/0001_a\x1b[31m.up.sql', line: null })]));
  assert.equal(out, '::error title=migrate-check sql-error::db/0001_a\\x1B[31m.up.sql: fails%0A%0Afix it\n');
  const kept = renderAnnotations(report([finding({ file: 'db/0001_🚀 x%.up.sql' })]));
  assert.match(kept, /^::error file=db\/0001_🚀 x%25\.up\.sql,line=4,/, 'other names keep their exact path');
});
