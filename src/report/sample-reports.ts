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
