import type { Finding } from '../checks/check.ts';
import type { DirectoryReport, Report } from './report.ts';

// Reports built by hand for the renderers' tests: every renderer is a pure function of one.

export const directory = (over: Partial<DirectoryReport> = {}): DirectoryReport => ({
  path: 'db/migrations',
  format: 'golang-migrate',
  roundtrip: 'per-migration',
  migrations: [
    {
      version: '0001',
      name: 'create_users',
      up: 'db/migrations/0001_create_users.up.sql',
      down: 'db/migrations/0001_create_users.down.sql',
    },
  ],
  ignored: [],
  steps: [
    {
      version: '0001',
      name: 'create_users',
      direction: 'up',
      attempt: 1,
      status: 'ok',
      file: 'db/migrations/0001_create_users.up.sql',
      durationMs: 2.5,
    },
    {
      version: '0001',
      name: 'create_users',
      direction: 'down',
      attempt: 1,
      status: 'ok',
      file: 'db/migrations/0001_create_users.down.sql',
      durationMs: 1.1,
    },
  ],
  schema: {
    head: 'table public.users\n',
    base: '',
    diff: '--- base\n+++ head\n@@ -0,0 +1 @@\n+table public.users',
    summary: { table: { added: ['public.users'], removed: [], changed: [] } },
  },
  ...over,
});

export const report = (findings: Finding[], over: Partial<Report> = {}): Report => ({
  schemaVersion: 1,
  ok: !findings.some((f) => f.severity === 'error'),
  failOn: 'error',
  postgres: { version: '17.10', provider: 'container' },
  durationMs: 1234,
  directories: [directory()],
  findings,
  ...over,
});

export const finding = (check: string, over: Partial<Finding> = {}): Finding => ({
  check,
  severity: 'error',
  file: 'db/migrations/0002_add_email.down.sql',
  line: 3,
  message: `index \`public.users_email_idx\` is left behind by 0002_add_email.down.sql`,
  help: 'Make the down migration undo exactly what the up does.',
  ...over,
});

export const BASE = { ref: 'main', commit: 'b'.repeat(40) };

/**
 * A PR whose second migration's down leaves its index behind, so that its up cannot run again,
 * with the statements around the findings and the generated fix, as a run records them.
 */
export const failing = (): Report => {
  const dir = 'db/migrations';
  const m2 = { up: `${dir}/0002_add_email.up.sql`, down: `${dir}/0002_add_email.down.sql` };
  const findings: Finding[] = [
    finding('blocking-lock', { severity: 'warning', file: `${dir}/0001_create_users.up.sql`, line: 2 }),
    finding('down-reverts-up', { file: m2.down, line: null }),
    finding('up-repeatable', {
      file: m2.up,
      line: 1,
      message: '0002_add_email.up.sql applies once but fails when applied again after its down: relation exists',
      help: 'Make the down migration remove everything the up creates.',
    }),
  ];
  return report(findings, {
    directories: [
      directory({
        base: BASE,
        migrations: [
          { ...directory().migrations[0]!, status: 'new' },
          { version: '0002', name: 'add_email', ...m2, status: 'new' },
        ],
        excerpts: [
          { file: m2.up, line: 1, first: 1, lines: ['CREATE INDEX users_email_idx ON users (email);'] },
          {
            file: `${dir}/0001_create_users.up.sql`,
            line: 2,
            first: 1,
            lines: ['CREATE TABLE users (', '  id int', ');'],
          },
        ],
        restore: [
          {
            version: '0002',
            file: m2.down,
            sql: 'DROP INDEX public.users_email_idx;',
            unsupported: ["enum public.mood: the down leaves the label 'x' (Postgres cannot drop a label)"],
            end: { line: 1, text: 'SELECT 1;' },
          },
        ],
      }),
    ],
  });
};
