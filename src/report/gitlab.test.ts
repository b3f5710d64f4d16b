import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderGitlab, type CodeQualityIssue } from './gitlab.ts';
import { renderSarif } from './sarif.ts';
import { finding, report } from './sample-reports.ts';
import { failing, ROOT } from './sample-tool-reports.ts';

const base = { cwd: ROOT, root: ROOT };
const issues = (text: string) => JSON.parse(text) as CodeQualityIssue[];

test('gitlab: one Code Quality issue per finding, with the fields GitLab reads', (t) => {
  const text = renderGitlab(failing(), base);
  const list = issues(text);
  assert.equal(list.length, 4, 'suppressed findings are left out');
  for (const issue of list) {
    assert.deepEqual(Object.keys(issue).sort(), [
      'categories',
      'check_name',
      'content',
      'description',
      'fingerprint',
      'location',
      'severity',
      'type',
    ]);
    assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(issue.severity));
    assert.equal(typeof issue.location.path, 'string');
    assert.ok(Number.isInteger(issue.location.lines.begin) && issue.location.lines.begin >= 1);
  }
  assert.deepEqual(
    list.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin]),
    [
      ['sql-error', 'major', 'db/migrations/0002_add_email.up.sql', 3],
      ['down-reverts-up', 'major', 'db/migrations/0002_add_email.down.sql', 1],
      ['blocking-lock', 'minor', 'db/migrations/0001_create_users.up.sql', 1],
      ['history-edited', 'info', 'db/migrations', 1],
    ],
  );
  assert.match(list[0]!.content.body, /docs\/checks\/sql-error\.md/);
  t.assert.snapshot(text);
});

test(
  'gitlab: a clean run is an empty list; fingerprints are the SARIF ones, unique, ' + 'and stable across moved lines',
  () => {
    assert.equal(renderGitlab(report([])), '[]\n');
    const moved = (line: number) => finding('sql-error', { line, message: `fails at line ${line}, column 2` });
    const a = issues(renderGitlab(report([moved(3), moved(3)]), base));
    const b = issues(renderGitlab(report([moved(40), moved(41)]), base));
    assert.deepEqual(
      a.map((i) => i.fingerprint),
      b.map((i) => i.fingerprint),
    );
    assert.notEqual(a[0]!.fingerprint, a[1]!.fingerprint);
    const sarif = JSON.parse(renderSarif(report([moved(3)]), base)) as {
      runs: { results: { partialFingerprints: Record<string, string> }[] }[];
    };
    assert.equal(Object.values(sarif.runs[0]!.results[0]!.partialFingerprints)[0], a[0]!.fingerprint);
  },
);

test('gitlab: paths are relative to the repository root from a nested working directory', () => {
  const [issue] = issues(
    renderGitlab(report([finding('sql-error', { file: 'db/a.sql' })]), { cwd: `${ROOT}/api`, root: ROOT }),
  );
  assert.equal(issue!.location.path, 'api/db/a.sql');
});
