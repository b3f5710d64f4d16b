import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseDatabase, providers } from './index.ts';

test('provider kinds are unique, kebab-case, and match their file names', () => {
  const kinds = providers.map((p) => p.kind);
  assert.equal(new Set(kinds).size, kinds.length);
  for (const kind of kinds) {
    assert.match(kind, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(existsSync(join(import.meta.dirname, `${kind}.ts`)), `src/database/${kind}.ts`);
  }
});

test('a run that names no provider: a URL means that server; the CLI otherwise starts the embedded one', async () => {
  assert.equal(await chooseDatabase({ shell: 'cli', databaseUrl: 'postgres://u@h/db' }), 'url');
  assert.equal(await chooseDatabase({ shell: 'action', databaseUrl: 'postgres://u@h/db' }), 'url');
  assert.equal(await chooseDatabase({ shell: 'cli' }), 'embedded');
  assert.equal(await chooseDatabase({ shell: 'cli', databaseUrl: '' }), 'embedded');
});
