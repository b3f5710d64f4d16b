import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJunit } from '../../test/junit-read.ts';
import { renderJunit, xmlAttribute, xmlText } from './junit.ts';
import { finding, report } from './sample-reports.ts';
import { failing, ROOT } from './sample-tool-reports.ts';

test(
  'junit: a case per step (up, down, re-up) with its time, a skipped case per unchecked migration, ' +
    'a case per check',
  (t) => {
    const xml = renderJunit(failing(), { cwd: ROOT, root: ROOT });
    const suites = parseJunit(xml);
    const [steps, checks] = suites.testsuite;
    assert.equal(steps!['@_name'], 'db/migrations (golang-migrate, per-migration)');
    assert.deepEqual(
      steps!.testcase!.map((c) => [c['@_name'], c['@_time'], Boolean(c.failure), Boolean(c.skipped)]),
      [
        ['0001_create_users up', '0.003', false, false],
        ['0001_create_users down', '0.001', false, false],
        ['0001_create_users re-up', '0.002', false, false],
        ['0002_add_email up', '0.001', true, false],
        ['0002_add_email down', '0.000', false, true],
        ['not checked: 0003', '0.000', false, true],
      ],
    );
    const failed = steps!.testcase![3]!;
    assert.equal(failed['@_file'], 'db/migrations/0002_add_email.up.sql');
    assert.equal(failed.failure!['@_type'], '42601');
    assert.equal(failed.failure!['@_message'], 'syntax error at or near "COLUMNN" (SQLSTATE 42601)');
    assert.equal(
      failed.failure!['#text'],
      'db/migrations/0002_add_email.up.sql:3:8\nsyntax error at or near "COLUMNN"\nHINT: Did you mean COLUMN?',
    );
    // Checks: failing at fail-on (error); the warning and the notice pass, with what they found.
    assert.deepEqual(
      checks!.testcase!.map((c) => [c['@_name'], Boolean(c.failure)]),
      [
        ['history-edited', false],
        ['sql-error', true],
        ['down-reverts-up', true],
        ['blocking-lock', false],
      ],
    );
    assert.match(checks!.testcase![3]!['system-out']!, /^warning: db\/migrations\/0001_create_users\.up\.sql:1: /);
    assert.match(checks!.testcase![1]!.failure!['#text'], /db\/migrations\/0002_add_email\.up\.sql:3:8: 0002/);
    assert.deepEqual([suites['@_tests'], suites['@_failures'], suites['@_skipped']], ['10', '3', '2']);
    t.assert.snapshot(xml);
  },
);

test('junit: with fail-on warning the warning fails its case; a clean run has only passing steps', () => {
  const strict = parseJunit(renderJunit(failing({ failOn: 'warning' })));
  const lock = strict.testsuite[1]!.testcase!.find((c) => c['@_name'] === 'blocking-lock')!;
  assert.ok(lock.failure);
  const clean = parseJunit(renderJunit(report([])));
  assert.deepEqual([clean['@_tests'], clean['@_failures']], ['2', '0']);
  assert.equal(clean.testsuite[1]!.testcase, undefined);
});

test('junit: hostile names and messages are escaped: the XML stays well-formed and reads back as written', () => {
  const hostile = 'a & b <c> "d" \'e\' ]]> \n\ttab \r\n<!-- x --> <![CDATA[ y ]]>';
  const controls = 'bell\x07 esc\x1b[31m nul\x00 lone\ud800 fffe\ufffe';
  const r = report([finding('sql-error', { file: `db/${hostile}.sql`, message: `${hostile} ${controls}` })], {
    directories: [{ ...report([]).directories[0]!, path: `db/${hostile}` }],
  });
  const suites = parseJunit(renderJunit(r));
  const [steps, checks] = suites.testsuite;
  assert.equal(steps!.testcase![0]!['@_classname'], `db/${hostile}`, 'attributes keep line breaks and tabs');
  const failure = checks!.testcase![0]!.failure!;
  assert.ok(failure['@_message'].startsWith(hostile));
  assert.ok(failure['#text'].includes(`db/${hostile}.sql:3: ${hostile} bell\\x07 esc\\x1B[31m nul\\x00 lone\\uD800`));
  assert.ok(failure['#text'].includes('fffe\\uFFFE'));
  assert.equal(xmlText('<&>'), '&lt;&amp;&gt;');
  assert.equal(xmlAttribute('a\nb\tc"'), 'a&#10;b&#9;c&quot;');
});
