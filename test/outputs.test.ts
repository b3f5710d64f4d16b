// The reports for other tools (SARIF, GitLab Code Quality, JUnit) from real runs on real Postgres:
// the fixtures through the CLI's main() in this process, one run of the bundled CLI, and one run of
// the bundled Action writing the files, each output validated or parsed as its reader would.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { CodeQualityIssue } from '../src/report/gitlab.ts';
import type { Report } from '../src/report/report.ts';
import { FINGERPRINT_KEY } from '../src/report/sarif.ts';
import { cliInProcess } from './cli-in-process.ts';
import { fakeGitHub, runAction } from './github-fake.ts';
import { cli, FIXTURES, repo, ROOT, sharedServer } from './helpers.ts';
import { parseJunit } from './junit-read.ts';
import { sarifErrors } from './sarif/validate.ts';

interface SarifResult {
  ruleId: string;
  level: string;
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine: number; startColumn?: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
}
interface SarifLog {
  runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: SarifResult[] }[];
}

const server = sharedServer();
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-outputs-'));
  made.push(dir);
  return dir;
};
const fixture = (name: string) => `migrations-fixtures/golang-migrate/${name}`;

/** The SARIF text, valid against the published schema. */
function sarif(text: string): SarifLog {
  const log = JSON.parse(text) as SarifLog;
  assert.deepEqual(sarifErrors(log), [], 'valid against the SARIF 2.1.0 schema');
  return log;
}
const located = (r: SarifResult) => r.locations[0]!.physicalLocation;

describe('reports for other tools, from real runs (embedded Postgres)', () => {
  test('--output sarif: a failed statement at its repository path, line and column, from any working directory', async () => {
    const fromRoot = await cliInProcess([fixture('down-syntax-error'), '--output', 'sarif'], { server: server() });
    assert.equal(fromRoot.code, 1, fromRoot.stderr);
    const [run] = sarif(fromRoot.stdout).runs;
    assert.equal(run!.tool.driver.name, 'migrate-check');
    const error = run!.results.find((r) => r.ruleId === 'sql-error')!;
    assert.equal(error.level, 'error');
    assert.deepEqual(located(error).artifactLocation, {
      uri: 'migrations-fixtures/golang-migrate/down-syntax-error/0002_add_last_login.down.sql',
      uriBaseId: '%SRCROOT%',
    });
    // `syntax error at or near "ALTER"`: the statement before it has no semicolon.
    assert.deepEqual(located(error).region, { startLine: 4, startColumn: 1 });

    // The same findings, run from a folder inside the repository: the same paths and fingerprints.
    const nested = await cliInProcess(['down-syntax-error', '--output', 'sarif'], {
      server: server(),
      cwd: join(FIXTURES, 'golang-migrate'),
    });
    const again = sarif(nested.stdout).runs[0]!.results.find((r) => r.ruleId === 'sql-error')!;
    assert.deepEqual(located(again), located(error));
    assert.equal(again.partialFingerprints[FINGERPRINT_KEY], error.partialFingerprints[FINGERPRINT_KEY]);
  });

  test('--gitlab-file and --junit-file beside --output json: one issue per finding, one test case per step', async () => {
    const dir = scratch();
    const gitlab = join(dir, 'gl-code-quality-report.json');
    const junit = join(dir, 'junit.xml');
    const args = [fixture('down-leaves-index'), '--output', 'json', '--gitlab-file', gitlab, '--junit-file', junit];
    const { code, stdout, stderr } = await cliInProcess(args, { server: server() });
    assert.equal(code, 1, stderr);
    const report = JSON.parse(stdout) as Report;

    const issues = JSON.parse(readFileSync(gitlab, 'utf8')) as CodeQualityIssue[];
    assert.equal(issues.length, report.findings.length);
    const down = issues.find((i) => i.check_name === 'down-reverts-up')!;
    assert.equal(down.severity, 'major');
    assert.equal(
      down.location.path,
      'migrations-fixtures/golang-migrate/down-leaves-index/0002_add_email_index.down.sql',
    );
    assert.match(down.description, /index `public\.users_email_idx` is left behind/);
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);

    const suites = parseJunit(readFileSync(junit, 'utf8'));
    const [steps, checks] = suites.testsuite;
    const { steps: replayed } = report.directories[0]!;
    assert.equal(steps!.testcase!.length, replayed.length);
    assert.deepEqual(
      steps!.testcase!.map((c) => c['@_name']),
      [
        '0001_create_users up',
        '0001_create_users down',
        '0001_create_users re-up',
        '0002_add_email_index up',
        '0002_add_email_index down',
        '0002_add_email_index re-up',
      ],
    );
    for (const [i, c] of steps!.testcase!.entries())
      assert.equal(Number(c['@_time']), Number((replayed[i]!.durationMs / 1000).toFixed(3)));
    const failing = checks!.testcase!.filter((c) => c.failure).map((c) => c['@_name']);
    assert.ok(failing.includes('down-reverts-up'), JSON.stringify(failing));
    assert.equal(Number(suites['@_failures']), failing.length + steps!.testcase!.filter((c) => c.failure).length);
  });

  test('a clean directory: no SARIF result, an empty Code Quality report, every step a passing test', async () => {
    const dir = scratch();
    const files = ['--sarif-file', join(dir, 'r.sarif'), '--gitlab-file', join(dir, 'gl.json')];
    const args = [fixture('clean'), '--output', 'junit', '--no-observe', ...files];
    const { code, stdout, stderr } = await cliInProcess(args, { server: server() });
    assert.equal(code, 0, stderr);
    const suites = parseJunit(stdout);
    assert.equal(suites['@_failures'], '0');
    assert.ok(Number(suites['@_tests']) >= 3);
    assert.deepEqual(sarif(readFileSync(join(dir, 'r.sarif'), 'utf8')).runs[0]!.results, []);
    assert.equal(readFileSync(join(dir, 'gl.json'), 'utf8'), '[]\n');
  });

  test('a report file that cannot be written stops the run before it starts, naming the flag', async () => {
    const { code, stderr } = await cliInProcess([fixture('clean'), '--sarif-file', join(scratch(), 'no', 'r.sarif')], {
      server: server(),
    });
    assert.equal(code, 2);
    assert.match(stderr, /--sarif-file .*r\.sarif cannot be written: its folder `[^`]*` does not exist/);
  });

  test('the bundled CLI: node dist/cli.cjs <fixture> --output sarif', async () => {
    const { code, stdout, stderr } = await cli([fixture('down-leaves-index'), '--output', 'sarif'], { cwd: ROOT });
    assert.equal(code, 1, stderr);
    const results = sarif(stdout).runs[0]!.results;
    const down = results.find((r) => r.ruleId === 'down-reverts-up')!;
    assert.equal(
      located(down).artifactLocation.uri,
      'migrations-fixtures/golang-migrate/down-leaves-index/0002_add_email_index.down.sql',
    );
    assert.doesNotMatch(stderr, /\[\d+\/\d+\]/, 'no progress lines around a machine-readable report');
  });

  test('the bundled Action writes sarif-file, gitlab-file and junit-file, with paths from the repository root', async () => {
    const dir = repo({ 'db/0001_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n' }, (d) => {
      writeFileSync(join(d, 'db', '0001_users.down.sql'), 'SELECT 1;\n');
    });
    made.push(dir);
    const github = await fakeGitHub();
    try {
      const inputs = {
        path: 'db',
        database: 'embedded',
        comment: 'false',
        'sarif-file': 'migrate-check.sarif',
        'gitlab-file': 'gl-code-quality-report.json',
        'junit-file': 'reports/junit.xml',
      };
      const missing = await runAction({ cwd: dir, apiUrl: github.url, event: 'push', payload: {}, inputs });
      assert.equal(missing.code, 2, missing.log);
      assert.match(missing.log, /The `junit-file` input \(reports\/junit\.xml\) cannot be written: its folder/);

      const run = await runAction({
        cwd: dir,
        apiUrl: github.url,
        event: 'push',
        payload: {},
        inputs: { ...inputs, 'junit-file': 'junit.xml' },
      });
      assert.equal(run.code, 1, run.log);
      const results = sarif(readFileSync(join(dir, 'migrate-check.sarif'), 'utf8')).runs[0]!.results;
      const down = results.find((r) => r.ruleId === 'down-reverts-up')!;
      assert.deepEqual(located(down).artifactLocation, { uri: 'db/0001_users.down.sql', uriBaseId: '%SRCROOT%' });
      const issues = JSON.parse(readFileSync(join(dir, 'gl-code-quality-report.json'), 'utf8')) as CodeQualityIssue[];
      assert.ok(issues.some((i) => i.check_name === 'down-reverts-up' && i.location.path === 'db/0001_users.down.sql'));
      const suites = parseJunit(readFileSync(join(dir, 'junit.xml'), 'utf8'));
      assert.deepEqual(
        suites.testsuite[0]!.testcase!.map((c) => c['@_name']),
        ['0001_users up', '0001_users down', '0001_users re-up'],
      );
      assert.deepEqual(github.calls, [], 'no API call on a push');
    } finally {
      await github.close();
    }
  });
});
