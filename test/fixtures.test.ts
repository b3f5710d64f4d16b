// Every fixture's verdict (fixture-expectations.ts) through the CLI's main(), in this process, on
// one embedded server: the findings the JSON report holds, in the files named, and the exit code.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { cliInProcess, sharedServer } from './cli-in-process.ts';
import { EXPECTATIONS } from './fixture-expectations.ts';
import { FIXTURES } from './helpers.ts';

const server = sharedServer();

describe('each fixture gets the right verdict through the CLI (embedded Postgres)', () => {
  for (const expected of EXPECTATIONS) {
    test(`${expected.dir}${expected.args ? ' ' + expected.args.join(' ') : ''}`, async () => {
      const args = expected.repo ? [...(expected.args ?? []), '--output', 'json'] : [join(FIXTURES, expected.dir), ...(expected.args ?? []), '--output', 'json'];
      const { code, stdout, stderr } = await cliInProcess(args, { server: server(), ...(expected.repo ? { cwd: join(FIXTURES, expected.dir) } : {}) });
      assert.equal(code, expected.exit, stderr + stdout);
      if (expected.says) assert.match(stderr + stdout, expected.says);
      if (code === 2) {
        assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
        return;
      }
      const report = JSON.parse(stdout) as Report;
      assert.equal(report.findings.length, expected.findings.length, JSON.stringify(report.findings, null, 2));
      for (const want of expected.findings) {
        const found = report.findings.find((f) => f.check === want.check && f.file?.endsWith('/' + want.file));
        assert.ok(found, `no ${want.check} finding in ${want.file}: ${JSON.stringify(report.findings)}`);
        assert.match(found.message, want.message);
        if (want.line) assert.equal(found.line, want.line);
        if (want.severity) assert.equal(found.severity, want.severity);
        if (want.help) assert.match(found.help, want.help);
        assert.match(found.help, /\w/);
      }
    });
  }
});
