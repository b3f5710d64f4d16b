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
    else if (!readFileSync(page, 'utf8').startsWith(`# ${check.id}\n`))
      missing.push(`docs/checks/${check.id}.md must start with "# ${check.id}"`);
    // test/fixture-verdicts.ts runs each fixture and holds it to its expectation.
    if (!EXPECTATIONS.some((e) => e.findings.some((f) => f.check === check.id)))
      missing.push(`a fixture where ${check.id} fails`);
    if (!EXPECTATIONS.some((e) => e.passes?.includes(check.id))) missing.push(`a fixture where ${check.id} passes`);
  }
  assert.deepEqual(missing, []);
});

test('a fixture named as passing a check expects none of its findings', () => {
  const contradictions = EXPECTATIONS.flatMap((e) =>
    (e.passes ?? []).filter((id) => e.findings.some((f) => f.check === id)).map((id) => `${e.dir}: ${id}`),
  );
  assert.deepEqual(contradictions, []);
  const unknown = EXPECTATIONS.flatMap((e) =>
    (e.passes ?? []).filter((id) => !checks.some((c) => c.id === id)).map((id) => `${e.dir}: ${id}`),
  );
  assert.deepEqual(unknown, []);
});

test('check ids are unique, kebab-case, and match their file names', () => {
  const ids = checks.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) {
    assert.match(id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(existsSync(join(ROOT, 'src', 'checks', `${id}.ts`)), `src/checks/${id}.ts`);
  }
});
