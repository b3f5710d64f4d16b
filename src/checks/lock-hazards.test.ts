import assert from 'node:assert/strict';
import { test } from 'node:test';
import { excerpt, lockRecipe, REWRITING_CLAUSE, rewriteRecipe } from './lock-hazards.ts';

const MARKER = 'Move the statement into its own migration file that starts with `-- +goose NO TRANSACTION`.';

test('the recipe for a blocking lock fits the statement and ends with the tool’s own no-transaction marker', () => {
  const index = lockRecipe('CREATE UNIQUE INDEX users_email_idx ON users (email)', MARKER);
  assert.match(index, /^Build the index with CREATE INDEX CONCURRENTLY/);
  assert.ok(index.endsWith(MARKER), index);
  const unique = lockRecipe('ALTER TABLE users\n  ADD CONSTRAINT users_email_key UNIQUE (email)', MARKER);
  assert.match(unique, /`ADD CONSTRAINT … UNIQUE USING INDEX …` in the next one\. Move the statement/);
  assert.doesNotMatch(unique, /\(outside a transaction:/);
  const primary = lockRecipe('alter table users add primary key (id)', MARKER);
  assert.match(primary, /`ADD CONSTRAINT … PRIMARY KEY USING INDEX …`/);
  assert.match(lockRecipe('ALTER TABLE o ADD FOREIGN KEY (u) REFERENCES users', MARKER), /NOT VALID .* VALIDATE/);
  assert.match(lockRecipe('ALTER TABLE u ADD CHECK (age >= 0)', MARKER), /^Add the check with NOT VALID/);
  assert.match(lockRecipe('ALTER TABLE u ALTER name SET NOT NULL', MARKER), /IS NOT NULL\) NOT VALID/);
  assert.match(lockRecipe('ALTER TABLE u ALTER COLUMN n TYPE bigint', MARKER), /^Add a new column of the new type/);
  assert.match(lockRecipe('LOCK TABLE users', MARKER), /set `lock_timeout` first/);
});

test('the recipe for a rewrite names the cheaper form where there is one', () => {
  assert.match(rewriteRecipe('ALTER TABLE u ADD COLUMN n bigserial'), /without the generated or serial default/);
  assert.match(rewriteRecipe('ALTER TABLE u ADD COLUMN t timestamptz DEFAULT now()'), /constant default/);
  assert.match(rewriteRecipe('VACUUM FULL users'), /pg_repack/);
  assert.match(rewriteRecipe('ALTER TABLE u ALTER COLUMN n TYPE bigint'), /varchar\(n\) → text/);
  assert.match(rewriteRecipe('ALTER TABLE u SET UNLOGGED'), /logged always copies/);
});

test('a rewrite names the clause that rewrites, where the first 80 characters of the statement hide it', () => {
  const statement = (text: string) =>
    ({
      line: 1,
      column: 1,
      text,
      durationMs: 1,
      locks: [],
      rewrites: [],
      rewrittenTables: [],
      truncates: [],
      scans: [],
    }) as unknown as Parameters<typeof excerpt>[0];
  const long =
    'ALTER TABLE "workflows" DROP CONSTRAINT "workflows_config_fk", ALTER COLUMN "workflow_config_id" TYPE character varying;';
  assert.equal(
    excerpt(statement(long)),
    '`ALTER TABLE "workflows" DROP CONSTRAINT "workflows_config_fk", ALTER COLUMN "wo…`',
  );
  assert.equal(
    excerpt(statement(long), REWRITING_CLAUSE),
    '`ALTER TABLE "workflows" … ALTER COLUMN "workflow_config_id" TYPE character vary…`',
  );
  // Shown already, or no clause of the kind: the first line as it is.
  const short = 'ALTER TABLE t ALTER COLUMN n TYPE bigint, ADD CONSTRAINT t_n CHECK (n > 0);';
  assert.equal(
    excerpt(statement(short), REWRITING_CLAUSE),
    '`ALTER TABLE t ALTER COLUMN n TYPE bigint, ADD CONSTRAINT t_n CHECK (n > 0)`',
  );
  const added =
    'ALTER TABLE accounts\n  ADD CONSTRAINT accounts_owner_fk FOREIGN KEY (owner) REFERENCES users,\n  ADD COLUMN touched timestamptz DEFAULT clock_timestamp();';
  assert.equal(
    excerpt(statement(added), REWRITING_CLAUSE),
    '`ALTER TABLE accounts … ADD COLUMN touched timestamptz DEFAULT clock_timestamp()`',
  );
});
