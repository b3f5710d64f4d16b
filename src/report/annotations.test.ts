import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../checks/check.ts';
import { renderAnnotations } from './annotations.ts';
import { finding as sample, report } from './sample-reports.ts';

const finding = (over: Partial<Finding> = {}): Finding => sample(over.check ?? 'sql-error', { file: 'db/0002_a.up.sql', line: 4, message: 'fails', help: 'fix it', ...over });

test('annotations: file, line and title as properties; message and help as data; all escaped', (t) => {
  const out = renderAnnotations(report([finding({ file: 'db/a,b:c.sql', message: '100% broken\nsecond line', help: 'a, b: c' })]));
  assert.equal(out, '::error file=db/a%2Cb%3Ac.sql,line=4,title=migrate-check sql-error::100%25 broken%0Asecond line%0A%0Aa, b: c\n');
  t.assert.snapshot(renderAnnotations(report([finding(), finding({ severity: 'warning', check: 'timestamp', line: null }), finding({ severity: 'notice', file: null, line: null })])));
});

test('annotations: at most 10 per severity, then one notice counting the rest', () => {
  const many = [...Array.from({ length: 14 }, (_, i) => finding({ line: i + 1 })), ...Array.from({ length: 12 }, () => finding({ severity: 'warning' }))];
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
  assert.match(lines[0]!, /,title=migrate-check sql-error::a%0D%0A::warning::pwned 100%25/);
});
