import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXPECTATIONS } from '../../test/fixture-expectations.ts';
import { ROOT } from '../../test/helpers.ts';
import { checks } from './index.ts';

test('every check has a docs page, a failing fixture and a passing fixture', () => {
  const missing: string[] = [];
  for (const check of checks) {
    const page = join(ROOT, 'docs', 'checks', `${check.id}.md`);
    if (!existsSync(page)) missing.push(`docs/checks/${check.id}.md`);
    else if (!readFileSync(page, 'utf8').startsWith(`# ${check.id}\n`)) missing.push(`docs/checks/${check.id}.md must start with "# ${check.id}"`);
    // Checks that compare with the base branch fail in the git repositories test/history.test.ts builds.
    const inGitTests = readFileSync(join(ROOT, 'test', 'history.test.ts'), 'utf8').includes(`'${check.id} `);
    if (!EXPECTATIONS.some((e) => e.findings.some((f) => f.check === check.id)) && !inGitTests) missing.push(`a fixture where ${check.id} fails`);
    if (!EXPECTATIONS.some((e) => e.findings.every((f) => f.check !== check.id) && e.exit === 0)) missing.push(`a fixture where ${check.id} passes`);
  }
  assert.deepEqual(missing, []);
});

test('check ids are unique, kebab-case, and match their file names', () => {
  const ids = checks.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) {
    assert.match(id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(existsSync(join(ROOT, 'src', 'checks', `${id}.ts`)), `src/checks/${id}.ts`);
  }
});
