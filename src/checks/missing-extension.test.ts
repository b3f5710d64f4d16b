import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missingExtension as extensionIn, type StepError } from '../execute.ts';
import type { Step } from '../replay.ts';
import { missingExtension } from './missing-extension.ts';
import { EMPTY_SET, FORMAT, replayOf } from './test-context.ts';

const failed = (message: string, code: string): Step => {
  // The replay classifies the failure (execute.ts) as it reads the server's message.
  const extension = extensionIn(message);
  const error: StepError = {
    message,
    code,
    kind: extension ? 'missing-extension' : 'statement',
    ...(extension ? { extension } : {}),
    file: 'db/0002_embeddings.up.sql',
    line: 3,
    column: null,
    located: false,
  };
  return {
    version: '0002',
    name: 'embeddings',
    direction: 'up',
    attempt: 1,
    status: 'failed',
    file: 'db/0002_embeddings.up.sql',
    durationMs: 1,
    error,
  };
};
const run = (...steps: Step[]) => missingExtension.run({ format: FORMAT, set: EMPTY_SET, replay: replayOf(steps) });

test('missing-extension: Postgres 16+ wording, at the failing line, with an image that has it', () => {
  const [finding, ...rest] = run(failed('extension "vector" is not available', '0A000'));
  assert.deepEqual(rest, []);
  assert.deepEqual([finding?.file, finding?.line], ['db/0002_embeddings.up.sql', 3]);
  assert.match(
    finding!.message,
    new RegExp(
      /^0002_embeddings\.up\.sql needs the `vector` extension, which this Postgres server does not have; /.source +
        /the migrations from here on were not replayed/.source,
    ),
  );
  assert.match(finding!.help, /`postgres-image: pgvector\/pgvector:pg17`.*`--database-url`/);
});

test('missing-extension: Postgres 15 wording (the control file), and an extension with no known image', () => {
  const [finding] = run(
    failed(
      'could not open extension control file ' +
        '"/usr/share/postgresql/15/extension/pg_hypothetical.control": No such file or directory',
      '58P01',
    ),
  );
  assert.match(finding!.message, /needs the `pg_hypothetical` extension/);
  assert.match(finding!.help, /set `postgres-image` with an image that has the `pg_hypothetical` extension installed;/);
  // Code spans never nest: each opens and closes around a value.
  assert.equal((finding!.help.match(/`/g) ?? []).length % 2, 0);
});

test('missing-extension: other failures and steps that passed are not its business', () => {
  const ok: Step = {
    version: '0001',
    name: 'a',
    direction: 'up',
    attempt: 1,
    status: 'ok',
    file: 'db/0001_a.up.sql',
    durationMs: 1,
  };
  assert.deepEqual(run(ok, failed('relation "teams" does not exist', '42P01')), []);
});
