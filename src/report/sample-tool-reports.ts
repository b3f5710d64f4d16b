import type { Report } from './report.ts';
import { directory, finding, report } from './sample-reports.ts';

// Reports for the SARIF, GitLab and JUnit renderers' tests: a failed statement with its line and
// column, a down that leaves an index, a warning, a finding with no file, a suppressed finding.

export const ROOT = '/home/dev/shop';

export const failing = (over: Partial<Report> = {}): Report =>
  report(
    [
      finding('sql-error', {
        file: 'db/migrations/0002_add_email.up.sql',
        line: 3,
        message: '0002_add_email.up.sql fails at line 3, column 8: syntax error at or near "COLUMNN" (SQLSTATE 42601).',
        help: 'Fix the statement at line 3 so that it runs on a database migrated up to the previous version.',
      }),
      finding('down-reverts-up', { line: null }),
      finding('blocking-lock', {
        severity: 'warning',
        file: 'db/migrations/0001_create_users.up.sql',
        line: 1,
        message: '`CREATE INDEX users_email_idx ON users (email)` takes SHARE on `public.users`: held 4.0 ms.',
        help: 'Use CREATE INDEX CONCURRENTLY.',
      }),
      finding('history-edited', {
        severity: 'notice',
        file: null,
        line: null,
        message: 'The history checks did not run for db/migrations: the base commit is missing.',
        help: 'Fetch the base commit.',
      }),
    ],
    {
      directories: [
        directory({
          migrations: [
            ...directory().migrations,
            {
              version: '0002',
              name: 'add_email',
              up: 'db/migrations/0002_add_email.up.sql',
              down: 'db/migrations/0002_add_email.down.sql',
            },
            { version: '0003', name: 'add_phone', up: 'db/migrations/0003_add_phone.up.sql', down: null },
          ],
          steps: [
            ...directory().steps,
            {
              version: '0001',
              name: 'create_users',
              direction: 'up',
              attempt: 2,
              status: 'ok',
              file: 'db/migrations/0001_create_users.up.sql',
              durationMs: 2.25,
            },
            {
              version: '0002',
              name: 'add_email',
              direction: 'up',
              attempt: 1,
              status: 'failed',
              file: 'db/migrations/0002_add_email.up.sql',
              durationMs: 0.8,
              error: {
                message: 'syntax error at or near "COLUMNN"',
                code: '42601',
                kind: 'statement',
                file: 'db/migrations/0002_add_email.up.sql',
                line: 3,
                column: 8,
                located: true,
                hint: 'Did you mean COLUMN?',
              },
            },
            {
              version: '0002',
              name: 'add_email',
              direction: 'down',
              attempt: 1,
              status: 'skipped',
              file: 'db/migrations/0002_add_email.down.sql',
              durationMs: 0,
            },
          ],
          notChecked: [{ versions: ['0003'], reason: '0002_add_email.up.sql fails, and a deploy stops there' }],
        }),
      ],
      suppressed: [
        {
          ...finding('table-rewrite', { severity: 'warning', file: 'db/migrations/0001_create_users.up.sql', line: 2 }),
          reason: 'the table is empty in production',
        },
      ],
      ...over,
    },
  );
