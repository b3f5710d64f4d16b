// A broken roundtrip does not end the check: production keeps the up applied once and goes on,
// so the replay does too, and every broken down in the directory is found in one run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULTS, type Config } from '../src/config.ts';
import { memoryDirectory } from '../src/files/directory.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { renderTerminal } from '../src/report/terminal.ts';
import { run } from '../src/run.ts';
import { sharedServer, query } from './helpers.ts';

const server = sharedServer();

const check = (files: Record<string, string>, config: Partial<Config> = {}) =>
  run({ ...DEFAULTS, paths: ['db'], ...config } as Config, {
    directory: (p) => memoryDirectory(p, files),
    startServer: async () => ({ ...server(), [Symbol.asyncDispose]: async () => {} }),
  });

const BROKEN = {
  '0001_users.up.sql': 'CREATE TABLE users (id int PRIMARY KEY);',
  '0001_users.down.sql': 'DROP TABLE users;',
  // The down fails: the replay goes on from the state after the up.
  '0002_status.up.sql': "CREATE TYPE status AS ENUM ('active');",
  '0002_status.down.sql': 'DROP TYPE nope;',
  // A comment-only down: the re-up fails, the state is still the deploy's.
  '0003_email.up.sql': 'ALTER TABLE users ADD COLUMN email text;',
  '0003_email.down.sql': '-- irreversible',
  // The down works but the re-up cannot run on what it left: rebuilt in a fresh database.
  '0004_seed.up.sql': "CREATE TABLE roles (name text PRIMARY KEY);\nINSERT INTO roles VALUES ('admin');",
  '0004_seed.down.sql':
    "TRUNCATE roles;\nCREATE TABLE roles_backup (name text);\nDROP TABLE roles;\nCREATE TABLE roles (name text PRIMARY KEY);\nINSERT INTO roles VALUES ('admin');",
  // Checked after all of that, on the deploy's state (uses everything above).
  '0005_uses.up.sql': 'CREATE TABLE accounts (id int REFERENCES users, email text, s status, r text REFERENCES roles);',
  '0005_uses.down.sql': 'DROP TABLE accounts;',
  '0006_leaky.up.sql': 'CREATE INDEX accounts_email ON accounts (email);',
  '0006_leaky.down.sql': 'SELECT 1;',
};

test('roundtrip: every broken down is reported, and the migrations after them are still checked', async () => {
  const report = await check(BROKEN);
  const found = report.findings.map((f) => `${f.check} ${f.file}`);
  assert.ok(found.includes('sql-error db/0002_status.down.sql'), found.join('\n'));
  assert.ok(found.includes('up-repeatable db/0003_email.up.sql'), found.join('\n'));
  assert.ok(found.includes('up-repeatable db/0004_seed.up.sql'), found.join('\n'));
  assert.ok(found.includes('down-reverts-up db/0006_leaky.down.sql'), found.join('\n'));
  assert.ok(!found.some((f) => f.includes('0005_uses')), `0005 ran on a state no deploy has:\n${found.join('\n')}`);
  assert.equal(report.directories[0]!.notChecked, undefined);
  // The head schema is the deploy's: every up applied once.
  assert.match(report.directories[0]!.schema.head, /accounts_email/);
  // 0004's down left `roles_backup`, which no deploy has: the state was rebuilt without it.
  assert.doesNotMatch(report.directories[0]!.schema.head, /roles_backup/);
  assert.ok(found.includes('down-reverts-up db/0004_seed.down.sql'), found.join('\n'));
  // The rebuilt database is gone with the run.
  const left = await query<{ datname: string }>(
    server().url,
    "SELECT datname FROM pg_database WHERE datname LIKE 'migrate\\_check\\_%'",
  );
  assert.deepEqual(left, []);
});

test('roundtrip: an up that fails ends the check as it ends a deploy, and says what was not checked', async () => {
  const report = await check({
    '0001_a.up.sql': 'CREATE TABLE a (id int);',
    '0001_a.down.sql': 'DROP TABLE a;',
    '0002_b.up.sql': 'ALTER TABLE missing ADD COLUMN x int;',
    '0002_b.down.sql': 'SELECT 1;',
    '0003_c.up.sql': 'CREATE TABLE c (id int);',
    '0003_c.down.sql': 'DROP TABLE c;',
    '0004_d.up.sql': 'CREATE TABLE d (id int);',
    '0004_d.down.sql': 'DROP TABLE d;',
  });
  assert.deepEqual(report.directories[0]!.notChecked, [
    { versions: ['0003', '0004'], reason: 'db/0002_b.up.sql fails, and a deploy stops there' },
  ]);
  assert.match(
    renderTerminal(report, { color: false }),
    /^! 2 of 4 migrations in db were not checked because db\/0002_b\.up\.sql fails/m,
  );
  const comment = renderMarkdown(report);
  assert.match(
    comment,
    /2 of 4 migrations in db were not checked because db\/0002_b\.up\.sql fails, and a deploy stops there \(0003, 0004\)/,
  );
});
