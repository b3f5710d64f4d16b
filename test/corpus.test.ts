import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliInProcess } from './cli-in-process.ts';
import { corpusDir, OBSERVED_CHECKS, sharedServer } from './helpers.ts';

/**
 * The report without what the server did and what seeded rows showed (warnings that never change
 * the exit code, compared with squawk over this corpus by bench/hazards-vs-squawk.ts): these tests
 * hold each project's replay verdict.
 */
function judged(report: Report): Report {
  assert.ok(
    report.findings.filter((f) => OBSERVED_CHECKS.includes(f.check)).every((f) => f.severity !== 'error'),
    'hazards and data findings are warnings',
  );
  return { ...report, findings: report.findings.filter((f) => !OBSERVED_CHECKS.includes(f.check)) };
}

const server = sharedServer();
const inProcess = (args: string[], options: { cwd?: string } = {}) =>
  cliInProcess(args, { server: server(), ...options });

// Real migration directories from public projects (../shared/corpus, see its README). A clone
// on a user's machine has no ../shared: each case then skips and says so.
const skip = (name: string) =>
  corpusDir(name) ? false : `../shared/corpus/${name} is absent; the corpus lane needs the shared corpus`;

test('corpus: goharbor/harbor applies cleanly (up-only golang-migrate, alters schema_migrations)', {
  skip: skip('goharbor__harbor'),
}, async () => {
  const { code, stdout } = await inProcess([
    `${corpusDir('goharbor__harbor')}/make/migrations/postgresql`,
    '--output',
    'json',
  ]);
  const report = judged(JSON.parse(stdout) as Report);
  assert.deepEqual(report.findings, []);
  assert.equal(code, 0);
  assert.equal(report.directories[0]?.migrations.length, 39);
  assert.ok(report.directories[0]?.steps.every((s) => s.status === 'ok'));
});

test("corpus: riverqueue/river (templated) round-trips as a whole, and per migration shows 004's lossy down", {
  skip: skip('riverqueue__river'),
}, async (t) => {
  const dir = `${corpusDir('riverqueue__river')}/riverdriver/riverpgxv5/migration/main`;
  // River renders `/* TEMPLATE: schema */` (also inside string literals) to a schema prefix.
  const cwd = mkdtempSync(join(tmpdir(), 'mc-river-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  writeFileSync(join(cwd, 'migrate-check.json'), JSON.stringify({ placeholders: { '/* TEMPLATE: schema */': '' } }));
  const all = await inProcess([dir, '--roundtrip', 'all', '--output', 'json'], { cwd });
  assert.equal(all.code, 0, all.stdout);
  const per = await inProcess([dir, '--output', 'json', '--postgres-version', '15'], { cwd });
  const report = judged(JSON.parse(per.stdout) as Report);
  assert.equal(per.code, 1);
  assert.deepEqual(
    report.findings.map((f) => `${f.check} ${f.file?.split('/').at(-1)}`),
    ['down-reverts-up 004_pending_and_more.down.sql'],
  );
  // The enum value its own comment says cannot be removed, and the column default it drops.
  assert.match(report.findings[0]!.message, /enum `public\.river_job_state` is not restored/);
  assert.match(
    report.findings[0]!.message,
    /column `public\.river_job\.metadata` is not restored[^]*-not null\n-default '\{\}'::jsonb/,
  );
});

/** Runs the CLI on a corpus folder from a temporary working directory holding `files` (config, prelude). */
async function corpusRun(name: string, path: string, args: string[], files: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'mc-corpus-'));
  try {
    for (const [file, text] of Object.entries(files)) writeFileSync(join(cwd, file), text);
    const { code, stdout, stderr } = await inProcess([`${corpusDir(name)}/${path}`, '--output', 'json', ...args], {
      cwd,
    });
    assert.notEqual(code, 2, stderr);
    const report = judged(JSON.parse(stdout) as Report);
    const steps = report.directories[0]!.steps;
    return {
      code,
      report,
      failedSteps: steps.filter((s) => s.status !== 'ok'),
      findings: report.findings.map((f) => `${f.check} ${f.file?.split('/').at(-1)}`),
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

test('corpus: openfga/openfga (goose, a NO TRANSACTION file of CONCURRENTLY indexes) round-trips identically', {
  skip: skip('openfga__openfga'),
}, async () => {
  const { code, report, failedSteps } = await corpusRun('openfga__openfga', 'assets/migrations/postgres', []);
  assert.equal(report.directories[0]?.format, 'goose');
  assert.deepEqual([code, failedSteps, report.findings], [0, [], []]);
  assert.equal(report.directories[0]?.steps.length, 18);
});

test('corpus: heroiclabs/nakama (sql-migrate) round-trips with pg_trgm in the prelude; per migration two downs are lossy', {
  skip: skip('heroiclabs__nakama'),
}, async () => {
  const prelude = {
    'prerequisites.sql': 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\n',
    'migrate-check.json': JSON.stringify({ prerequisites: ['prerequisites.sql'] }),
  };
  const all = await corpusRun('heroiclabs__nakama', 'migrate/sql', ['--roundtrip', 'all'], prelude);
  assert.equal(all.report.directories[0]?.format, 'sql-migrate');
  assert.deepEqual([all.code, all.failedSteps, all.findings], [0, [], []]);
  // Per migration: 20210416090601's down recreates purchase_receipt without its foreign key,
  // and 20250926112031's down re-adds `role` at the end of console_user without its check.
  const per = await corpusRun('heroiclabs__nakama', 'migrate/sql', [], prelude);
  assert.deepEqual(per.findings, [
    'down-reverts-up 20210416090601-purchase.sql',
    'down-reverts-up 20250926112031-console-fine-grained-acl.sql',
    'column-order 20250926112031-console-fine-grained-acl.sql',
  ]);
  const moved = per.report.findings.find((f) => f.check === 'column-order')!;
  assert.equal(moved.severity, 'warning');
  assert.match(
    moved.message,
    /`public\.console_user\.role` was column \d+ of \d+ before .* and is column \d+ of \d+ after its down/,
  );
  assert.match(
    per.report.findings[0]!.message,
    /constraint `public\.purchase_receipt\.purchase_receipt_user_id_fkey` is missing/,
  );
});

test('corpus: bionic-gpt/bionic-gpt (dbmate) stops at CREATE EXTENSION vector with a finding that names it and the fix', {
  skip: skip('bionic-gpt__bionic-gpt'),
}, async () => {
  const { code, report, failedSteps } = await corpusRun('bionic-gpt__bionic-gpt', 'crates/db/migrations', []);
  assert.equal(report.directories[0]?.format, 'dbmate');
  assert.equal(code, 1);
  const missing = report.findings.filter((f) => f.check === 'missing-extension');
  assert.equal(missing.length, 1);
  assert.match(missing[0]!.file!, /20230807080530_documents_and_datasets\.sql$/);
  assert.match(missing[0]!.message, /needs the `vector` extension/);
  assert.match(missing[0]!.help, /pgvector\/pgvector/);
  assert.ok(!report.findings.some((f) => f.check === 'sql-error'), 'the missing extension is not reported twice');
  assert.equal(failedSteps.filter((s) => s.status === 'failed').length, 1);
  // The file name with a space in it is read as dbmate reads it.
  assert.ok(report.directories[0]!.migrations.some((m) => m.name.includes(' ')));
});

test('corpus: MarquezProject/marquez (Flyway, dotted versions, repeatables, a V57 readme) applies cleanly', {
  skip: skip('MarquezProject__marquez'),
}, async () => {
  const { code, report, failedSteps, findings } = await corpusRun(
    'MarquezProject__marquez',
    'api/src/main/resources/marquez/db/migration',
    [],
  );
  assert.equal(report.directories[0]?.format, 'flyway');
  assert.deepEqual([code, failedSteps], [0, []]);
  assert.deepEqual(findings, ['naming V57__readme.md']);
  assert.equal(report.findings[0]?.severity, 'notice');
  const versions = report.directories[0]!.migrations.map((m) => m.version);
  assert.ok(
    versions.indexOf('69.1') < versions.indexOf('69.3') && versions.indexOf('69.3') < versions.indexOf('70'),
    versions.join(' '),
  );
  assert.equal(versions.at(-1), 'R');
});

test('corpus: supabase/storage (plain, 0001 … 00010 …) applies cleanly with its search_path and no-transaction marker', {
  skip: skip('supabase__storage'),
}, async () => {
  const config = {
    'no-transaction-marker': '-- postgres-migrations disable-transaction',
    'search-path': 'storage, public, extensions',
  };
  const { code, report, failedSteps, findings } = await corpusRun('supabase__storage', 'migrations/tenant', [], {
    'migrate-check.json': JSON.stringify(config),
  });
  assert.equal(report.directories[0]?.format, 'plain');
  // Its migrations create the cluster-wide roles Supabase expects (anon, authenticated …): a warning, seen on the server.
  assert.deepEqual([code, failedSteps, findings], [0, [], ['outside-database 0002-storage-schema.sql']]);
  const outside = report.findings.find((f) => f.check === 'outside-database')!;
  assert.equal(outside.severity, 'warning');
  assert.match(
    outside.message,
    /line 41: GRANT \(role membership\); the replay saw it change the cluster: .*created role anon: nologin noinherit/,
  );
  const versions = report.directories[0]!.migrations.map((m) => m.version);
  assert.ok(versions.indexOf('00010') > versions.indexOf('0009'), '00010 is version 10, after 9');
});

test('corpus: graphile/worker (plain 000001.sql, :GRAPHILE_WORKER_SCHEMA) applies cleanly with the placeholder and its schema', {
  skip: skip('graphile__worker'),
}, async () => {
  const files = {
    'prerequisites.sql': 'CREATE SCHEMA graphile_worker;\n',
    'migrate-check.json': JSON.stringify({
      placeholders: { ':GRAPHILE_WORKER_SCHEMA': 'graphile_worker' },
      prerequisites: ['prerequisites.sql'],
    }),
  };
  const { code, failedSteps, findings, report } = await corpusRun('graphile__worker', 'sql', [], files);
  assert.deepEqual([code, failedSteps, findings], [0, [], []]);
  assert.equal(report.directories[0]?.migrations.length, 19);
});

test('corpus: langfuse/langfuse (Prisma, single-statement CONCURRENTLY files, explicit BEGIN/COMMIT) applies cleanly', {
  skip: skip('langfuse__langfuse'),
}, async () => {
  const { code, report, failedSteps } = await corpusRun('langfuse__langfuse', 'packages/shared/prisma/migrations', []);
  assert.equal(report.directories[0]?.format, 'prisma');
  assert.deepEqual([code, failedSteps], [0, []]);
  // Five folder names were hand-edited to force an order (seconds 60–62, hour 27): warnings only.
  assert.deepEqual(
    report.findings.map((f) => `${f.severity} ${f.check} ${f.file?.split('/').at(-2)}`),
    [
      'warning timestamp 20240524156058_scores_source_backfill_annotation_for_review',
      'warning timestamp 20250517273700_add_table_view_presets.sql',
      'warning timestamp 20250820143860_optimize_job_execution_indices_drop_job_executions_job_output_score_id_idx',
      'warning timestamp 20250820143861_optimize_job_execution_indices_drop_job_executions_updated_at_idx',
      'warning timestamp 20250820143862_optimize_job_execution_indices_create_job_executions_project_id_job_configuration_id_job_input_tr_idx',
    ],
  );
  assert.match(
    report.findings[0]!.message,
    /Version 20240524156058 of 20240524156058_scores_source_backfill_annotation_for_review\/migration\.sql looks like a YYYYMMDDHHMMSS timestamp but is not a valid date/,
  );
  assert.equal(report.directories[0]?.migrations.length, 434);
});

test('corpus: atuinsh/atuin (sqlx, simple) applies cleanly with --format sqlx', {
  skip: skip('atuinsh__atuin'),
}, async () => {
  const { code, report, failedSteps, findings } = await corpusRun(
    'atuinsh__atuin',
    'crates/atuin-server-postgres/migrations',
    ['--format', 'sqlx'],
  );
  assert.deepEqual([code, failedSteps, findings], [0, [], []]);
  assert.equal(report.directories[0]?.migrations.length, 20);
});

test('corpus: Dokploy/dokploy (drizzle) follows the journal and reports the file it never runs', {
  skip: skip('Dokploy__dokploy'),
}, async () => {
  const { code, report, failedSteps, findings } = await corpusRun('Dokploy__dokploy', 'apps/dokploy/drizzle', []);
  assert.equal(report.directories[0]?.format, 'drizzle');
  assert.equal(code, 1);
  assert.deepEqual(failedSteps, []);
  assert.deepEqual(findings, ['naming 0130_abandoned_dagger.sql']);
  assert.match(report.findings[0]!.message, /not in meta\/_journal\.json: the drizzle migrator will never run it/);
});

test("corpus: dani-garcia/vaultwarden (diesel) shows its empty downs, the column they leave and fix_attachments' types", {
  skip: skip('dani-garcia__vaultwarden'),
}, async () => {
  const { code, report, failedSteps } = await corpusRun('dani-garcia__vaultwarden', 'migrations/postgresql', [
    '--format',
    'diesel',
  ]);
  assert.equal(report.directories[0]?.format, 'diesel');
  assert.equal(code, 1);
  assert.equal(report.directories[0]?.migrations.length, 46);
  const named = (check: string, severity?: string) =>
    report.findings
      .filter((f) => f.check === check && (!severity || f.severity === severity))
      .map((f) => f.file!.split('/').slice(-2).join('/'));
  // 24 downs of zero bytes, which diesel refuses to run; two more hold only a line break.
  assert.equal(named('pairing', 'error').length, 24);
  assert.deepEqual(named('pairing', 'warning'), [
    '2019-11-17-011009_add_email_verification/down.sql',
    '2020-04-09-235005_add_cipher_delete_date/down.sql',
  ]);
  assert.ok(named('pairing', 'error').includes('2019-10-10-083032_add_column_to_twofactor/down.sql'));
  const left = report.findings.find(
    (f) => f.check === 'down-reverts-up' && f.file!.endsWith('2019-10-10-083032_add_column_to_twofactor/down.sql'),
  );
  assert.match(left!.message, /column `public\.twofactor\.last_used` is left behind/);
  const fix = report.findings.find(
    (f) => f.check === 'down-reverts-up' && f.file!.endsWith('2019-09-16-150000_fix_attachments/down.sql'),
  );
  assert.match(
    fix!.message,
    /column `public\.organizations\.uuid` is not restored[^]*-type character varying\(40\)\n\+type character\(40\)/,
  );
  assert.equal(named('down-reverts-up').length, 28);
  assert.equal(named('up-repeatable').length, 21);
  // The group tables' down drops `groups` before the tables that reference it.
  assert.deepEqual(named('sql-error'), ['2022-07-27-110000_add_group_support/down.sql']);
  assert.deepEqual(named('timestamp'), ['2024-01-12-210182_change_attachment_size/up.sql']);
  assert.deepEqual(named('column-order'), ['2020-08-02-025025_add_favorites_table/down.sql']);
  assert.equal(failedSteps.filter((s) => s.direction === 'down').length, 1);
});
