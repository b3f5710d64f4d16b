import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sarifErrors } from '../../test/sarif/validate.ts';
import { checks } from '../checks/index.ts';
import type { PathBase } from './locations.ts';
import { FINGERPRINT_KEY, renderSarif } from './sarif.ts';
import type { Report } from './report.ts';
import { finding, report } from './sample-reports.ts';
import { failing, ROOT } from './sample-tool-reports.ts';

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine: number; startColumn?: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
}
interface Rule {
  id: string;
  helpUri: string;
  shortDescription: { text: string };
  defaultConfiguration: { level?: string; enabled?: boolean };
}

const sarif = (r: Report, base: PathBase = { cwd: ROOT, root: ROOT }) => {
  const text = renderSarif(r, base);
  const log = JSON.parse(text) as { runs: { tool: { driver: { rules: Rule[] } }; results: Result[] }[] };
  assert.deepEqual(sarifErrors(log), [], 'valid against the SARIF 2.1.0 schema');
  return { text, run: log.runs[0]!, results: log.runs[0]!.results };
};
const where = (r: Result) => r.locations[0]!.physicalLocation;

test('sarif: one rule per check with its docs page; results located, levelled and fingerprinted', (t) => {
  const { text, run, results } = sarif(failing());
  const rules = run.tool.driver.rules;
  assert.deepEqual(
    rules.map((r) => r.id),
    checks.map((c) => c.id),
  );
  for (const [i, c] of checks.entries()) {
    assert.equal(rules[i]!.helpUri, `https://github.com/migrate-check/migrate-check/blob/main/docs/checks/${c.id}.md`);
    assert.equal(rules[i]!.shortDescription.text, c.summary);
  }
  const [sqlError, down, lock, history, suppressed] = results;
  assert.deepEqual(where(sqlError!), {
    artifactLocation: { uri: 'db/migrations/0002_add_email.up.sql', uriBaseId: '%SRCROOT%' },
    region: { startLine: 3, startColumn: 8 },
  });
  assert.equal(rules[sqlError!.ruleIndex]!.id, 'sql-error');
  assert.equal(where(down!).region, undefined, 'no line, no region');
  assert.deepEqual(
    results.map((r) => r.level),
    ['error', 'error', 'warning', 'note', 'warning'],
  );
  assert.deepEqual(where(lock!).region, { startLine: 1 }, 'no column when Postgres gave none');
  // Code scanning refuses a result without a location: a finding about a directory points at it.
  assert.equal(where(history!).artifactLocation.uri, 'db/migrations/');
  assert.deepEqual(suppressed!.suppressions, [{ kind: 'inSource', justification: 'the table is empty in production' }]);
  assert.equal(new Set(results.map((r) => r.partialFingerprints[FINGERPRINT_KEY])).size, results.length);
  t.assert.snapshot(text);
});

test('sarif: a clean run is a valid log with every rule and no result', () => {
  const { results, run } = sarif(report([]));
  assert.deepEqual(results, []);
  assert.equal(run.tool.driver.rules.length, checks.length);
});

test('sarif: paths are relative to the repository root, with forward slashes, from any working directory', () => {
  const at = (file: string, base: PathBase) =>
    where(sarif(report([finding('sql-error', { file })]), base).results[0]!).artifactLocation;
  const nested = { cwd: `${ROOT}/services/api`, root: ROOT };
  assert.deepEqual(at('db/0001_a.up.sql', nested), { uri: 'services/api/db/0001_a.up.sql', uriBaseId: '%SRCROOT%' });
  assert.equal(at('./db/0001_a.up.sql', nested).uri, 'services/api/db/0001_a.up.sql');
  assert.equal(at(`${ROOT}/db/0001_a.up.sql`, nested).uri, 'db/0001_a.up.sql', 'an absolute path inside the root');
  assert.deepEqual(at('/elsewhere/db/0001_a.up.sql', nested), { uri: 'file:///elsewhere/db/0001_a.up.sql' });
  assert.equal(at('db/0001_a.up.sql', {}).uri, 'db/0001_a.up.sql', 'without a root: as the run was given it');
});

test('sarif: fingerprints stay when unrelated lines move or timings change, and tell identical findings apart', () => {
  const print = (findings: ReturnType<typeof finding>[]) =>
    sarif(report(findings)).results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
  const at = (line: number, ms = '4.0') =>
    finding('blocking-lock', {
      severity: 'warning',
      line,
      message: `\`CREATE INDEX i ON users (email)\` at line ${line}, column 1 takes SHARE: held ${ms} ms.`,
    });
  const [before] = print([at(3)]);
  assert.equal(print([at(12, '7.5')])[0], before, 'three lines added above, and a slower run');
  assert.notEqual(print([{ ...at(3), file: 'db/migrations/0003_other.up.sql' }])[0], before, 'another file');
  assert.notEqual(print([{ ...at(3), check: 'table-rewrite' }])[0], before, 'another check');
  const twice = print([at(3), at(9)]);
  assert.equal(twice[0], before);
  assert.notEqual(twice[1], twice[0], 'the second of two identical findings has its own');
});

test('sarif: hostile file names and messages still make a valid log whose URIs decode to the path', () => {
  const names = ['db/0001_a b#?%&.up.sql', 'db/0001_🚀\u202e\x1b[31m.up.sql', 'db/[x]\\y:z.up.sql', 'x:y/ñ.sql'];
  for (const file of names) {
    const message = `"${file}" \u0000 </script> \ud800 fails`;
    const { results } = sarif(report([finding('sql-error', { file, message })]));
    const location = where(results[0]!).artifactLocation;
    assert.equal(decodeURIComponent(location.uri), file, location.uri);
    assert.doesNotMatch(location.uri, /^[a-z][a-z0-9+.-]*:/i, 'no segment reads as a scheme');
    assert.match(results[0]!.message.text, /fails/);
  }
});
