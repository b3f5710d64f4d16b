// Every fixture's verdict (fixture-expectations.ts) through the CLI's main(), in the test process, on
// one embedded server per test file: the findings the JSON report holds, in the files named, and the
// exit code. Two test files take half the fixtures each (fixtures-half-1/2.test.ts), so they run side by side.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import type { EmbeddedServer } from '../src/database/embedded.ts';
import type { Report } from '../src/report/report.ts';
import { cliInProcess } from './cli-in-process.ts';
import { EXPECTATIONS, type Expectation } from './fixture-expectations.ts';
import { FIXTURES, OBSERVED_CHECKS, repo } from './helpers.ts';

const made: string[] = [];

/** Every file under `dir`, by its path relative to `dir`. */
function filesIn(dir: string): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Object.fromEntries(
    entries.map((e) => [relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name), 'utf8')]),
  );
}

/** Where the run happens: the fixture's git repository (base/ on main, head/ on the PR's branch), its folder, or the checkout. */
function workingDirectory(expected: Expectation): string | undefined {
  const dir = join(FIXTURES, expected.dir);
  if (expected.history) {
    const base = filesIn(join(dir, 'base'));
    const git = repo(base, (d) => {
      for (const file of Object.keys(base)) rmSync(join(d, file));
      for (const [file, text] of Object.entries(filesIn(join(dir, 'head')))) {
        mkdirSync(dirname(join(d, file)), { recursive: true });
        writeFileSync(join(d, file), text);
      }
    });
    made.push(git);
    return git;
  }
  return expected.repo ? dir : undefined;
}

/** Whether the fixture is about what the server did or what the seeded rows showed (it names such a check). */
const aboutObserved = (expected: Expectation) =>
  [...expected.findings.map((f) => f.check), ...(expected.passes ?? [])].some((c) => OBSERVED_CHECKS.includes(c));

/**
 * The tests for every other fixture, from the `half`-th (1 or 2), on the test file's server.
 * `observed: 'own'`: a fixture about another check runs with `--no-observe --no-seed` (the findings
 * of those checks are not judged there), as `npm test` runs them; `'all'`: every fixture runs with
 * the defaults a user gets, as the `observed` lane runs them.
 */
export function fixtureVerdicts(
  half: 1 | 2 | 'all',
  server: () => EmbeddedServer,
  observed: 'own' | 'all' = 'own',
): void {
  after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const which = half === 'all' ? 'every fixture' : `half ${half}`;
  const how = observed === 'all' ? ', observed and seeded' : '';
  describe(`each fixture gets the right verdict through the CLI (embedded Postgres${how}), ${which}`, () => {
    for (const expected of EXPECTATIONS.filter((_, i) => half === 'all' || i % 2 === half - 1))
      fixtureTest(expected, server, observed === 'all' || aboutObserved(expected));
  });
}

function fixtureTest(expected: Expectation, server: () => EmbeddedServer, observe: boolean): void {
  {
    test(`${expected.dir}${expected.args ? ' ' + expected.args.join(' ') : ''}`, async () => {
      const inRepository = expected.repo || expected.history;
      const off = observe ? [] : ['--no-observe', '--no-seed'];
      const args = inRepository
        ? [...(expected.args ?? []), '--output', 'json', ...off]
        : [join(FIXTURES, expected.dir), ...(expected.args ?? []), '--output', 'json', ...off];
      const cwd = workingDirectory(expected);
      const { code, stdout, stderr } = await cliInProcess(args, { server: server(), ...(cwd ? { cwd } : {}) });
      assert.equal(code, expected.exit, stderr + stdout);
      if (expected.says) assert.match(stderr + stdout, expected.says);
      if (code === 2) {
        assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
        return;
      }
      const report = JSON.parse(stdout) as Report;
      // What the server did and what the seeded rows showed (warnings) is pinned by the fixtures
      // about it; a fixture about another check holds those findings only when it names them.
      const named = new Set([...expected.findings.map((f) => f.check), ...(expected.passes ?? [])]);
      const judged = report.findings.filter((f) => !OBSERVED_CHECKS.includes(f.check) || named.has(f.check));
      assert.equal(judged.length, expected.findings.length, JSON.stringify(judged, null, 2));
      for (const want of expected.findings) {
        // Several findings of one check in one file are told apart by line and message.
        const candidates = report.findings.filter((f) => f.check === want.check && f.file?.endsWith('/' + want.file));
        const found =
          candidates.find((f) => (!want.line || f.line === want.line) && want.message.test(f.message)) ?? candidates[0];
        assert.ok(found, `no ${want.check} finding in ${want.file}: ${JSON.stringify(report.findings)}`);
        assert.match(found.message, want.message);
        if (want.line) assert.equal(found.line, want.line);
        if (want.severity) assert.equal(found.severity, want.severity);
        if (want.help) assert.match(found.help, want.help);
        assert.match(found.help, /\w/);
      }
      for (const check of expected.passes ?? [])
        assert.ok(!report.findings.some((f) => f.check === check), `${check} is meant to pass here`);
    });
  }
}
