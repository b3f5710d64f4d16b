/**
 * What migrate-check must say about each fixture: the checks that must fire (in the
 * files named) and the exit code. The checks registry test requires every check to fail at
 * least one fixture here and to stay quiet on at least one.
 */
export interface Expectation {
  dir: string;
  exit: number;
  findings: { check: string; file: string; line?: number; message: RegExp }[];
}

export const EXPECTATIONS: Expectation[] = [
  { dir: 'golang-migrate/clean', exit: 0, findings: [] },
  {
    dir: 'golang-migrate/down-leaves-index',
    exit: 1,
    findings: [
      { check: 'down-reverts-up', file: '0002_add_email_index.down.sql', message: /index `public\.users_email_idx` is left behind by 0002_add_email_index\.down\.sql/ },
      { check: 'up-repeatable', file: '0002_add_email_index.up.sql', message: /relation "users_email_idx" already exists/ },
    ],
  },
  {
    dir: 'golang-migrate/down-syntax-error',
    exit: 1,
    findings: [{ check: 'sql-error', file: '0002_add_last_login.down.sql', line: 4, message: /fails at line 4, column 1: syntax error at or near "ALTER" \(SQLSTATE 42601\)/ }],
  },
  {
    dir: 'golang-migrate/up-fails',
    exit: 1,
    findings: [{ check: 'sql-error', file: '0002_add_team.up.sql', message: /relation "team" does not exist \(SQLSTATE 42P01\)\. Later steps were skipped/ }],
  },
  {
    dir: 'golang-migrate/concurrently-in-file',
    exit: 1,
    findings: [{ check: 'transaction', file: '0002_index_created_at.up.sql', message: /CREATE INDEX CONCURRENTLY cannot run inside a transaction block.*one implicit transaction/ }],
  },
  {
    dir: 'golang-migrate/up-not-repeatable',
    exit: 1,
    findings: [
      { check: 'down-reverts-up', file: '0002_add_nickname.down.sql', message: /column `public\.users\.nickname_old` is left behind by 0002_add_nickname\.down\.sql/ },
      { check: 'up-repeatable', file: '0002_add_nickname.up.sql', message: /index `public\.users_nickname_idx` differs when 0002_add_nickname\.up\.sql is applied a second time:\n.*-CREATE INDEX users_nickname_idx ON public\.users USING btree \(nickname\)\n\+CREATE INDEX users_nickname_idx ON public\.users USING btree \(nickname_old\)/s },
    ],
  },
];
