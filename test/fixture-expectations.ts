/**
 * What migrate-check must say about each fixture: the checks that must fire (in the
 * files named) and the exit code. The checks registry test requires every check to fail at
 * least one fixture here and to be named in the `passes` of at least one.
 */
export interface Expectation {
  /** The fixture, relative to migrations-fixtures/. */
  dir: string;
  exit: number;
  findings: { check: string; file: string; line?: number; severity?: string; message: RegExp; help?: RegExp }[];
  /** Extra arguments (e.g. --format sqlx). */
  args?: string[];
  /**
   * For a fixture that is a small repository (a config file and its migration folders): run in
   * it, with `args` only, as a user would.
   */
  repo?: boolean;
  /** Something the run's stdout/stderr must say (for exit 2). */
  says?: RegExp;
  /**
   * The checks this fixture shows passing: it holds what the check looks at, done right (a down
   * that restores the column order, a journal that lists every file), so none of them may fire.
   */
  passes?: string[];
  /**
   * A pull request: `base/` is committed as `main`, then `head/` on a branch, and the run (in that
   * git repository, with `args` only) compares the two.
   */
  history?: boolean;
}

export const EXPECTATIONS: Expectation[] = [
  {
    dir: 'golang-migrate/outside-database',
    exit: 0,
    findings: [
      {
        check: 'outside-database',
        file: '0002_reporting_role.up.sql',
        line: 2,
        severity: 'warning',
        message: /line 2: CREATE ROLE; the replay saw it change the cluster: created role reporting: nologin/,
      },
      {
        check: 'outside-database',
        file: '0002_reporting_role.down.sql',
        line: 2,
        severity: 'warning',
        message: /line 2: DROP ROLE; .*removed role reporting: nologin/,
      },
    ],
  },
  {
    dir: 'golang-migrate/clean',
    exit: 0,
    findings: [],
    passes: ['down-reverts-up', 'up-repeatable', 'sql-error', 'pairing', 'duplicate-version'],
  },
  {
    dir: 'golang-migrate/version-overflow',
    exit: 1,
    findings: [
      {
        check: 'naming',
        file: '20240101120000000000_add_email.up.sql',
        message: /skips it: version 20240101120000000000 does not fit an unsigned 64-bit integer.*will never run/,
      },
      {
        check: 'naming',
        file: '20240101120000000000_add_email.down.sql',
        message: /does not fit an unsigned 64-bit integer/,
      },
    ],
  },
  {
    dir: 'golang-migrate/down-leaves-index',
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: '0002_add_email_index.down.sql',
        message: /index `public\.users_email_idx` is left behind by 0002_add_email_index\.down\.sql/,
      },
      {
        check: 'up-repeatable',
        file: '0002_add_email_index.up.sql',
        message: /relation "users_email_idx" already exists/,
      },
    ],
  },
  {
    dir: 'golang-migrate/down-syntax-error',
    exit: 1,
    findings: [
      {
        check: 'sql-error',
        file: '0002_add_last_login.down.sql',
        line: 4,
        message: /fails at line 4, column 1: syntax error at or near "ALTER" \(SQLSTATE 42601\)/,
      },
    ],
  },
  {
    dir: 'golang-migrate/up-fails',
    exit: 1,
    findings: [
      {
        check: 'sql-error',
        file: '0002_add_team.up.sql',
        message: /relation "team" does not exist \(SQLSTATE 42P01\)\. Later steps were skipped/,
      },
    ],
  },
  {
    dir: 'golang-migrate/concurrently-in-file',
    exit: 1,
    findings: [
      {
        check: 'transaction',
        file: '0002_index_created_at.up.sql',
        message: /CREATE INDEX CONCURRENTLY cannot run inside a transaction block.*one implicit transaction/,
      },
    ],
  },
  {
    dir: 'golang-migrate/up-not-repeatable',
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: '0002_add_nickname.down.sql',
        message: /column `public\.users\.nickname_old` is left behind by 0002_add_nickname\.down\.sql/,
      },
      {
        check: 'up-repeatable',
        file: '0002_add_nickname.up.sql',
        message:
          /index `public\.users_nickname_idx` differs when 0002_add_nickname\.up\.sql is applied a second time:\n.*-CREATE INDEX users_nickname_idx ON public\.users USING btree \(nickname\)\n\+CREATE INDEX users_nickname_idx ON public\.users USING btree \(nickname_old\)/s,
      },
    ],
  },
  {
    // A down that re-adds a dropped column puts it last: the same columns, in another order.
    dir: 'golang-migrate/column-order',
    exit: 1,
    findings: [
      {
        check: 'column-order',
        severity: 'warning',
        file: '0002_drop_legacy_code.down.sql',
        message: new RegExp(
          String.raw`^\`public\.users\.legacy_code\` was column 2 of 5 before 0002's up ` +
            String.raw`and is column 5 of 5 after its down\.\n`,
        ),
      },
      {
        check: 'column-order',
        severity: 'warning',
        file: '0003_drop_nickname.down.sql',
        message: new RegExp(
          String.raw`^\`public\.users\.nickname\` was column 3 of 4 before 0003's up ` +
            String.raw`and is column 4 of 4 after its down\.\nColumn order`,
        ),
      },
      // Another difference on the same table is still reported, without the column lists.
      {
        check: 'down-reverts-up',
        file: '0003_drop_nickname.down.sql',
        message: new RegExp(
          String.raw`^column \`public\.users\.nickname\` is not restored by 0003_drop_nickname\.down\.sql:` +
            String.raw`\n-type text\n\+type character varying\(40\)$`,
        ),
      },
    ],
  },
  { dir: 'golang-migrate/column-order-kept', exit: 0, findings: [], passes: ['column-order'] },
  {
    // A view of `SELECT *` over a table whose columns come back last: the same view, its columns in
    // another order (column-order's finding, not a view that is not restored); a view that differs
    // in more than its order still is one.
    dir: 'golang-migrate/column-order-view',
    exit: 1,
    findings: [
      {
        check: 'column-order',
        severity: 'warning',
        file: '0002_drop_parent_and_read.down.sql',
        message: new RegExp(
          String.raw`
\`public\.users_alias\.parent_id\` and \`public\.users_alias\.read\` were columns 2 and 4 of 5 ` +
            String.raw`before 0002's up and are columns 4 and 5 of 5 after its down\.
`,
        ),
      },
      {
        check: 'down-reverts-up',
        file: '0004_recent_users_day.down.sql',
        message:
          /^view `public\.recent_users` is not restored by 0004_recent_users_day\.down\.sql:\n-definition  SELECT id,\n-    email,\n\+definition  SELECT email,\n\+    id,\n.*'2021-01-01/s,
      },
      { check: 'up-repeatable', file: '0004_recent_users_day.up.sql', message: /cannot change name of view column/ },
      {
        check: 'column-order',
        severity: 'warning',
        file: '0004_recent_users_day.down.sql',
        message: /recent_users\.id/,
      },
    ],
  },
  // goose
  { dir: 'goose/clean', exit: 0, findings: [] },
  { dir: 'goose/ordering', exit: 0, findings: [] },
  {
    dir: 'goose/down-leaves-column',
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: '00002_add_nickname.sql',
        message: /column `public\.users\.nickname` is left behind by 00002_add_nickname\.sql/,
      },
      {
        check: 'up-repeatable',
        file: '00002_add_nickname.sql',
        line: 2,
        message: /column "nickname" of relation "users" already exists/,
      },
    ],
  },
  {
    dir: 'goose/concurrently-in-transaction',
    exit: 1,
    findings: [
      {
        check: 'transaction',
        file: '00002_index_email.sql',
        line: 2,
        message: /CREATE INDEX CONCURRENTLY cannot run inside a transaction block: .*wraps the file in BEGIN … COMMIT/,
        help: /-- \+goose NO TRANSACTION/,
      },
    ],
  },
  {
    dir: 'goose/missing-statement-end',
    exit: 1,
    findings: [
      {
        check: 'parse-error',
        file: '00002_normalise_email.sql',
        line: 2,
        message:
          /goose would refuse to run 00002_normalise_email\.sql: the `-- \+goose StatementBegin` at line 2 has no `-- \+goose StatementEnd`/,
      },
    ],
  },
  {
    dir: 'goose/go-migration',
    exit: 0,
    findings: [
      {
        check: 'partial-replay',
        severity: 'warning',
        file: '00002_backfill_emails.go',
        message: /Go migration: .*version 00002 was not run and the replay continued without it/,
      },
    ],
  },
  {
    // goose allows a file without `-- +goose Down`; `goose down` then runs nothing. Its up is not roundtripped.
    dir: 'goose/no-down-section',
    exit: 0,
    findings: [
      {
        check: 'pairing',
        severity: 'warning',
        file: '00002_backfill_nickname.sql',
        message: new RegExp(
          String.raw`^00002_backfill_nickname\.sql has no \`-- \+goose Down\` section: ` +
            String.raw`\`goose down\` records the rollback of version 00002 but changes nothing`,
        ),
        help: /^Add a `-- \+goose Down` section that undoes the up/,
      },
    ],
  },
  // dbmate
  { dir: 'dbmate/clean', exit: 0, findings: [], passes: ['timestamp'] },
  {
    dir: 'dbmate/down-leaves-function',
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: '20240103000000_normalise_email.sql',
        message: /function `public\.normalise_email\(\)` is left behind/,
      },
      {
        check: 'up-repeatable',
        file: '20240103000000_normalise_email.sql',
        message: /function "normalise_email" already exists/,
      },
      {
        check: 'pairing',
        severity: 'warning',
        file: '20240103000000_normalise_email.sql',
        line: 9,
        message: /The down of 20240103000000_normalise_email is empty or holds only comments/,
      },
    ],
  },
  {
    // dbmate applies files in name order: `10_` before `2_`.
    dir: 'dbmate/ordering',
    exit: 1,
    findings: [
      {
        check: 'sql-error',
        file: '10_add_nickname.sql',
        line: 1,
        message: /up of 10_add_nickname fails at line 1: relation "users" does not exist/,
      },
    ],
  },
  {
    dir: 'dbmate/concurrently-in-transaction',
    exit: 1,
    findings: [
      {
        check: 'transaction',
        file: '20240102000000_index_email.sql',
        message: /cannot run inside a transaction block/,
      },
    ],
  },
  {
    // Two `-- migrate:up` sections: dbmate records the version for each, and the second record fails on Postgres.
    dir: 'dbmate/multiple-sections',
    exit: 1,
    findings: [
      {
        check: 'sql-error',
        file: '20240101000000_create_users.sql',
        line: 10,
        message:
          /fails at line 10: duplicate key value violates unique constraint "schema_migrations_pkey" \(SQLSTATE 23505\)/,
      },
      {
        check: 'parse-error',
        severity: 'warning',
        file: '20240101000000_create_users.sql',
        line: 10,
        message: /amacneil\/dbmate#820/,
      },
    ],
  },
  {
    dir: 'dbmate/no-down-block',
    exit: 1,
    findings: [
      {
        check: 'parse-error',
        file: '20240102000000_add_nickname.sql',
        line: 1,
        message:
          /dbmate refuses 20240102000000_add_nickname\.sql: "dbmate requires each migration to define a down block/,
      },
    ],
  },
  // `-- migrate:down -- undo …` and `-- migrate:down transaction:false ` (a trailing blank) are down markers.
  { dir: 'dbmate/down-marker-text', exit: 0, findings: [], passes: ['parse-error'] },
  {
    dir: 'dbmate/duplicate-version',
    exit: 1,
    findings: [
      {
        check: 'duplicate-version',
        file: '20240102000000_add_team.sql',
        message:
          /on a new database `dbmate up` applies the first, then runs the second and fails recording its version/,
      },
    ],
  },
  {
    // ENVSUB takes `${TABLE_PREFIX}` from the placeholders, with goose's `$X`, `${X:-d}` and `${X-d}` forms.
    dir: 'goose/envsub',
    args: ['--placeholder', '${TABLE_PREFIX}=app_'],
    exit: 0,
    findings: [
      {
        check: 'partial-replay',
        severity: 'warning',
        file: '00001_create_users.sql',
        line: 8,
        message: /uses `\$OWNER_ROLE` under `-- \+goose ENVSUB ON`/,
      },
    ],
  },
  // Every variable given a value: nothing is left unrendered.
  {
    dir: 'goose/envsub',
    args: ['--placeholder', '${TABLE_PREFIX}=app_', '--placeholder', '${OWNER_ROLE}=app_owner'],
    exit: 0,
    findings: [],
    passes: ['partial-replay'],
  },
  {
    dir: 'goose/annotation-with-comment',
    exit: 1,
    findings: [
      {
        check: 'parse-error',
        file: '00001_create_users.sql',
        line: 7,
        message:
          /goose would refuse to run 00001_create_users\.sql: failed to parse annotation line "-- \+goose Down -- rollback"/,
      },
    ],
  },
  // sql-migrate
  { dir: 'sql-migrate/clean', exit: 0, findings: [] },
  { dir: 'sql-migrate/ordering', exit: 0, findings: [] },
  {
    dir: 'sql-migrate/down-leaves-table',
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: '2_audit.sql',
        message: /^table `public\.audit_archive` is left behind by 2_audit\.sql$/,
      },
      { check: 'up-repeatable', file: '2_audit.sql', line: 3, message: /relation "audit_archive" already exists/ },
    ],
  },
  {
    dir: 'sql-migrate/concurrently-in-transaction',
    exit: 1,
    findings: [
      { check: 'transaction', file: '2_index_email.sql', line: 2, message: /cannot run inside a transaction block/ },
    ],
  },
  // sqlx: its files look like golang-migrate's or plain ones, so the format is named
  { dir: 'sqlx/clean', exit: 0, args: ['--format', 'sqlx'], findings: [] },
  {
    dir: 'sqlx/clean',
    exit: 2,
    findings: [],
    says: /fits more than one migration format: golang-migrate .*; sqlx .*Set `format`/,
  },
  { dir: 'sqlx/ordering', exit: 0, args: ['--format', 'sqlx'], findings: [] },
  {
    dir: 'sqlx/down-leaves-type',
    exit: 1,
    args: ['--format', 'sqlx'],
    findings: [
      { check: 'down-reverts-up', file: '2_status.down.sql', message: /enum `public\.user_status` is left behind/ },
      { check: 'up-repeatable', file: '2_status.up.sql', message: /type "user_status" already exists/ },
    ],
  },
  {
    dir: 'sqlx/concurrently-in-transaction',
    exit: 1,
    args: ['--format', 'sqlx'],
    findings: [
      {
        check: 'transaction',
        file: '2_index_email.sql',
        message:
          /cannot run inside a transaction block: in 2_index_email\.sql the runner wraps the file in BEGIN … COMMIT/,
        help: /whose first line is `-- no-transaction`/,
      },
    ],
  },
  // flyway
  {
    dir: 'flyway/clean',
    exit: 0,
    findings: [
      {
        check: 'naming',
        severity: 'notice',
        file: 'V2__readme.md',
        message: /V2__readme\.md looks like a migration, but flyway only runs `\.sql` files/,
      },
    ],
  },
  {
    dir: 'flyway/down-leaves-sequence',
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: 'U2__invoice_numbers.sql',
        message: /sequence `public\.invoice_number_seq` is left behind by U2__invoice_numbers\.sql/,
      },
      { check: 'up-repeatable', file: 'V2__invoice_numbers.sql', message: /already exists/ },
    ],
  },
  {
    dir: 'flyway/mixed-transaction',
    exit: 1,
    findings: [
      {
        check: 'transaction',
        file: 'V2__index_and_column.sql',
        line: 2,
        message: /Flyway refuses V2__index_and_column\.sql: it mixes a statement that cannot run in a transaction/,
      },
    ],
  },
  {
    dir: 'flyway/placeholders',
    exit: 2,
    findings: [],
    says: /V1__create_schema\.sql:1 uses the placeholder \$\{appSchema\}, which has no value: flyway would refuse to run it\. Set it in the config/,
  },
  { dir: 'flyway/placeholders', exit: 0, args: ['--placeholder', '${appSchema}=billing'], findings: [] },
  // COPY … FROM stdin data sent through the COPY protocol; `.SQL` and an empty description run
  { dir: 'flyway/copy-from-stdin', exit: 0, findings: [] },
  {
    dir: 'flyway/reindex-concurrently',
    exit: 1,
    findings: [
      {
        check: 'transaction',
        file: 'V2__rebuild_email_index.sql',
        line: 3,
        message: /REINDEX CONCURRENTLY cannot run inside a transaction block: in V2__rebuild_email_index\.sql/,
      },
    ],
  },
  // plain
  { dir: 'plain/clean', exit: 0, findings: [] },
  { dir: 'plain/ordering', exit: 0, findings: [] },
  {
    dir: 'plain/concurrently-in-transaction',
    exit: 1,
    findings: [{ check: 'transaction', file: '002_index_email.sql', message: /cannot run inside a transaction block/ }],
  },
  {
    dir: 'plain/up-fails',
    exit: 1,
    findings: [{ check: 'sql-error', file: '002_add_fk.sql', line: 1, message: /relation "teams" does not exist/ }],
  },
  // prisma
  { dir: 'prisma/clean', exit: 0, findings: [] },
  { dir: 'prisma/ordering', exit: 0, findings: [] },
  {
    dir: 'prisma/concurrently-in-transaction',
    exit: 1,
    findings: [
      {
        check: 'transaction',
        file: '20240102000000_email_index/migration.sql',
        message: /cannot run inside a transaction block.*sends the whole file as one query/,
      },
    ],
  },
  // drizzle
  { dir: 'drizzle/clean', exit: 0, findings: [], passes: ['naming'] },
  { dir: 'drizzle/ordering', exit: 0, findings: [] },
  {
    dir: 'drizzle/journal-time-order',
    exit: 1,
    findings: [
      {
        check: 'naming',
        file: '0002_nickname.sql',
        message:
          /the drizzle migrator applies only entries newer than the last one applied, so it skips 0002_nickname on every database already migrated to 0001/,
      },
    ],
  },
  {
    dir: 'drizzle/not-in-journal',
    exit: 1,
    findings: [
      {
        check: 'naming',
        file: '0001_lost_merge.sql',
        message: /0001_lost_merge\.sql is not in meta\/_journal\.json: the drizzle migrator will never run it/,
      },
    ],
  },
  {
    dir: 'drizzle/concurrently-in-transaction',
    exit: 1,
    findings: [
      { check: 'transaction', file: '0000_brave_hulk.sql', line: 3, message: /cannot run inside a transaction block/ },
    ],
  },
  // the prelude
  {
    dir: 'golang-migrate/missing-extension',
    exit: 1,
    findings: [
      {
        check: 'missing-extension',
        file: '0002_embeddings.up.sql',
        message: /0002_embeddings\.up\.sql needs the `vector` extension, which this Postgres server does not have/,
        help: /postgres-image: pgvector\/pgvector:pg17.*--database-url/,
      },
    ],
  },
  // the layouts users described, each a small repository
  {
    dir: 'layouts/api-three-digit',
    repo: true,
    args: ['api/migrations'],
    exit: 0,
    findings: [],
    passes: ['missing-extension'],
  },
  // ory's popx: a dialect's file is preferred over the generic one, other dialects' files are not for Postgres,
  // `.autocommit.` files run without a transaction (CONCURRENTLY works), empty placeholders do nothing.
  { dir: 'layouts/ory-popx', repo: true, exit: 0, findings: [], passes: ['transaction'] },
  {
    dir: 'layouts/postgrator',
    repo: true,
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: '0002.undo.unique-email.sql',
        message: /index `public\.accounts_email` is left behind by 0002\.undo\.unique-email\.sql/,
      },
      { check: 'up-repeatable', file: '0002.do.unique-email.sql', message: /relation "accounts_email" already exists/ },
    ],
  },
  { dir: 'layouts/python-plain', repo: true, args: ['migrations'], exit: 0, findings: [] },
  { dir: 'layouts/six-digit-prerequisites', repo: true, exit: 0, findings: [], passes: ['outside-database'] },
  { dir: 'layouts/go-runner-alphabetical', repo: true, exit: 0, findings: [] },
  { dir: 'layouts/timestamps-with-job-queue', repo: true, exit: 0, findings: [] },
  {
    // Alone, the app's migrations miss the job queue's table they reference.
    dir: 'layouts/timestamps-with-job-queue',
    repo: true,
    args: ['db/migrations'],
    exit: 1,
    findings: [
      {
        check: 'sql-error',
        file: '20240212170000_invoice_status.up.sql',
        message: /relation "queue_jobs" does not exist/,
      },
    ],
  },
  { dir: 'layouts/tenant-settings', repo: true, exit: 0, findings: [] },
  {
    dir: 'layouts/needs-superuser',
    repo: true,
    exit: 1,
    findings: [
      {
        check: 'sql-error',
        file: '002_event_trigger.up.sql',
        message: /permission denied to create event trigger "log_ddl" \(SQLSTATE 42501\)/,
      },
    ],
  },
  {
    dir: 'layouts/mixed-home-grown',
    repo: true,
    args: ['migrations'],
    exit: 2,
    findings: [],
    says: /`migrations` fits more than one migration format: golang-migrate .*; plain .*Set `format`/,
  },
  // custom: a runner described in the config
  { dir: 'custom/clean', repo: true, exit: 0, findings: [] },
  { dir: 'custom/no-transaction', repo: true, exit: 0, findings: [] },
  {
    dir: 'custom/undo-leaves-table',
    repo: true,
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: '10-audit-log.undo.sql',
        message: /table `public\.audit_log` is left behind by 10-audit-log\.undo\.sql/,
      },
      { check: 'up-repeatable', file: '10-audit-log.do.sql', line: 2, message: /relation "audit_log" already exists/ },
    ],
  },
  {
    dir: 'golang-migrate/unpaired',
    exit: 1,
    findings: [
      {
        check: 'pairing',
        file: '0002_add_nickname.up.sql',
        message: new RegExp(
          String.raw`0002_add_nickname\.up\.sql has no down migration, while other migrations in .* do: ` +
            String.raw`\`migrate down\` runs nothing for version 0002 and still records it as rolled back`,
        ),
      },
      {
        check: 'pairing',
        file: '0003_index_email.down.sql',
        message: /0003_index_email\.down\.sql is a down migration without its up \(version 0003\)/,
      },
    ],
  },
  // both findings of this fixture are suppressed in the migration's files, with reasons
  { dir: 'golang-migrate/suppressed', exit: 0, findings: [] },
  {
    dir: 'golang-migrate/bad-timestamps',
    exit: 0,
    findings: [
      {
        check: 'timestamp',
        severity: 'warning',
        file: '20241331090000_add_email.up.sql',
        message:
          /Version 20241331090000 of 20241331090000_add_email\.up\.sql looks like a YYYYMMDDHHMMSS timestamp but is not a valid date/,
      },
      {
        check: 'timestamp',
        severity: 'warning',
        file: '20990105100000_add_nickname.up.sql',
        message: /Version 20990105100000 .* lies in the future \(2099-01-05\)/,
      },
    ],
  },
  {
    // version-gap is opt-in: this repository's config turns it on
    dir: 'layouts/numbered-gaps',
    repo: true,
    exit: 1,
    findings: [
      {
        check: 'version-gap',
        file: '0005_add_nickname.sql',
        message: /0005_add_nickname\.sql \(version 0005\) follows version 0002: version 3–4 is missing/,
      },
    ],
  },
  // version-gap on, and the versions follow each other
  { dir: 'layouts/numbered-no-gaps', repo: true, exit: 0, findings: [], passes: ['version-gap'] },
  // migrate-check.sum, written by `migrate-check hash`
  { dir: 'golang-migrate/sum-matches', exit: 0, findings: [], passes: ['sum-file'] },
  {
    dir: 'golang-migrate/sum-mismatch',
    exit: 1,
    findings: [
      {
        check: 'sum-file',
        file: '0002_add_nickname.up.sql',
        message:
          /^0002_add_nickname\.up\.sql differs from its checksum in migrate-check\.sum: the migration was edited after it was recorded/,
      },
    ],
  },
  // pull requests, against the base branch
  {
    dir: 'history/adds-one',
    history: true,
    args: ['db', '--base', 'main'],
    exit: 0,
    findings: [],
    passes: ['history-edited', 'version-order'],
  },
  {
    dir: 'history/edited',
    history: true,
    args: ['db', '--base', 'main'],
    exit: 1,
    findings: [
      {
        check: 'history-edited',
        file: '0002_add_nickname.up.sql',
        message: /0002_add_nickname\.up\.sql already exists on main and was edited/,
      },
    ],
  },
  {
    dir: 'history/version-order',
    history: true,
    args: ['db', '--base', 'main'],
    exit: 1,
    findings: [
      {
        check: 'version-order',
        file: '0003_add_bio.up.sql',
        message:
          /0003_add_bio\.up\.sql is new, but version 0003 sorts before 0005_teams\.up\.sql \(version 0005\), which is already on main/,
      },
    ],
  },
  {
    dir: 'golang-migrate/duplicate-version',
    exit: 1,
    findings: [
      {
        check: 'duplicate-version',
        file: '002_create_teams.up.sql',
        message:
          /002_create_teams\.up\.sql and 0002_add_email\.up\.sql are both version 2: golang-migrate refuses to run the directory .*replayed only 0002_add_email\.up\.sql/,
      },
      {
        check: 'duplicate-version',
        file: '002_create_teams.down.sql',
        message: /002_create_teams\.down\.sql and 0002_add_email\.down\.sql are both version 2/,
      },
    ],
  },
  // What the server did (observed hazards) and what seeded rows showed: every hazard and every
  // safe recipe, in two formats.
  {
    dir: 'hazards/golang-migrate-unsafe',
    repo: true,
    exit: 0,
    findings: [
      {
        check: 'blocking-lock',
        file: '0002_index_email.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`CREATE INDEX users_email_idx ON users \(email\)` in the up of 0002_index_email\.up\.sql takes SHARE on `public\.users` \(blocks writes\) while it builds an index over every row/,
      },
      {
        check: 'blocking-lock',
        file: '0003_orders_user_fk.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY \(user_id\) REFERENC…` in the up of 0003_orders_user_fk\.up\.sql takes SHARE ROW EXCLUSIVE on `public\.orders` \(blocks writes\) while it reads every row to validate it/,
      },
      {
        check: 'fails-on-data',
        file: '0003_orders_user_fk.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /The up of 0003_orders_user_fk\.up\.sql passes on empty tables but fails when `public\.orders` has rows that reference nothing \(`orders_user_fk`\): Key \(user_id\)=\(-1\) is not present in table "users": insert or update on table/,
      },
      {
        check: 'blocking-lock',
        file: '0004_age_check.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE users ADD CONSTRAINT users_age_check CHECK \(age >= 0\)` in the up of 0004_age_check\.up\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it reads every row to validate it/,
      },
      {
        check: 'fails-on-data',
        file: '0004_age_check.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /The up of 0004_age_check\.up\.sql passes on empty tables but fails when a row of `public\.users` breaks the check `users_age_check`: check constraint "users_age_check" of relation "users" is violated by some row \(SQLSTATE 2/,
      },
      {
        check: 'blocking-lock',
        file: '0005_name_required.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN name SET NOT NULL` in the up of 0005_name_required\.up\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it reads every row to validate it/,
      },
      {
        check: 'fails-on-data',
        file: '0005_name_required.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /The up of 0005_name_required\.up\.sql passes on empty tables but fails when any `users\.name` is NULL: column "name" of relation "users" contains null values \(SQLSTATE 23502\)\. The generated rows are ones the schema before i/,
      },
      {
        check: 'blocking-lock',
        file: '0006_unique_email.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE \(email\)` in the up of 0006_unique_email\.up\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it builds an index over every row/,
      },
      {
        check: 'fails-on-data',
        file: '0006_unique_email.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /The up of 0006_unique_email\.up\.sql passes on empty tables but fails when `public\.users` holds duplicates for `users_email_key` \(Key \(email\)=\(500\) is duplicated\): could not create unique index "users_email_key" \(SQLSTATE /,
      },
      {
        check: 'blocking-lock',
        file: '0007_total_bigint.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ALTER COLUMN total TYPE int` in the down of 0007_total_bigint\.down\.sql takes ACCESS EXCLUSIVE on `public\.orders` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '0007_total_bigint.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ALTER COLUMN total TYPE int` in the down of 0007_total_bigint\.down\.sql rewrites `public\.orders` and its index: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '0007_total_bigint.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ALTER COLUMN total TYPE bigint` in the up of 0007_total_bigint\.up\.sql takes ACCESS EXCLUSIVE on `public\.orders` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '0007_total_bigint.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ALTER COLUMN total TYPE bigint` in the up of 0007_total_bigint\.up\.sql rewrites `public\.orders` and its index: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '0008_created_timestamptz.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN created TYPE timestamp` in the down of 0008_created_timestamptz\.down\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '0008_created_timestamptz.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN created TYPE timestamp` in the down of 0008_created_timestamptz\.down\.sql rewrites `public\.users` and its 3 indexes: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '0008_created_timestamptz.up.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN created TYPE timestamptz` in the up of 0008_created_timestamptz\.up\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '0008_created_timestamptz.up.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN created TYPE timestamptz` in the up of 0008_created_timestamptz\.up\.sql rewrites `public\.users` and its 3 indexes: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '0009_orders_added_at.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ADD COLUMN added_at timestamptz DEFAULT clock_timestamp\(\)` in the up of 0009_orders_added_at\.up\.sql takes ACCESS EXCLUSIVE on `public\.orders` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '0009_orders_added_at.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ADD COLUMN added_at timestamptz DEFAULT clock_timestamp\(\)` in the up of 0009_orders_added_at\.up\.sql rewrites `public\.orders` and its index: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '0010_nickname_and_index.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE users ADD COLUMN nickname text` in the up of 0010_nickname_and_index\.up\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) and holds it while 1 later statement runs in the same transaction \(`CREATE INDEX orders_total_idx ON orde/,
      },
      {
        check: 'blocking-lock',
        file: '0010_nickname_and_index.up.sql',
        line: 2,
        severity: 'warning',
        message:
          /`CREATE INDEX orders_total_idx ON orders \(total\)` in the up of 0010_nickname_and_index\.up\.sql takes SHARE on `public\.orders` \(blocks writes\) while it builds an index over every row/,
      },
    ],
  },
  {
    dir: 'hazards/goose-unsafe',
    repo: true,
    exit: 0,
    findings: [
      {
        check: 'blocking-lock',
        file: '00002_index_email.sql',
        line: 2,
        severity: 'warning',
        message:
          /`CREATE INDEX users_email_idx ON users \(email\)` in the up of 00002_index_email\.sql takes SHARE on `public\.users` \(blocks writes\) while it builds an index over every row/,
      },
      {
        check: 'blocking-lock',
        file: '00003_orders_user_fk.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY \(user_id\) REFERENC…` in the up of 00003_orders_user_fk\.sql takes SHARE ROW EXCLUSIVE on `public\.orders` \(blocks writes\) while it reads every row to validate it/,
      },
      {
        check: 'fails-on-data',
        file: '00003_orders_user_fk.sql',
        line: 2,
        severity: 'warning',
        message:
          /The up of 00003_orders_user_fk\.sql passes on empty tables but fails when `public\.orders` has rows that reference nothing \(`orders_user_fk`\): Key \(user_id\)=\(-1\) is not present in table "users": insert or update on table "/,
      },
      {
        check: 'blocking-lock',
        file: '00004_age_check.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE users ADD CONSTRAINT users_age_check CHECK \(age >= 0\)` in the up of 00004_age_check\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it reads every row to validate it/,
      },
      {
        check: 'fails-on-data',
        file: '00004_age_check.sql',
        line: 2,
        severity: 'warning',
        message:
          /The up of 00004_age_check\.sql passes on empty tables but fails when a row of `public\.users` breaks the check `users_age_check`: check constraint "users_age_check" of relation "users" is violated by some row \(SQLSTATE 235/,
      },
      {
        check: 'blocking-lock',
        file: '00005_name_required.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN name SET NOT NULL` in the up of 00005_name_required\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it reads every row to validate it/,
      },
      {
        check: 'fails-on-data',
        file: '00005_name_required.sql',
        line: 2,
        severity: 'warning',
        message:
          /The up of 00005_name_required\.sql passes on empty tables but fails when any `users\.name` is NULL: column "name" of relation "users" contains null values \(SQLSTATE 23502\)\. The generated rows are ones the schema before it /,
      },
      {
        check: 'blocking-lock',
        file: '00006_unique_email.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE \(email\)` in the up of 00006_unique_email\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it builds an index over every row/,
      },
      {
        check: 'fails-on-data',
        file: '00006_unique_email.sql',
        line: 2,
        severity: 'warning',
        message:
          /The up of 00006_unique_email\.sql passes on empty tables but fails when `public\.users` holds duplicates for `users_email_key` \(Key \(email\)=\(500\) is duplicated\): could not create unique index "users_email_key" \(SQLSTATE 23/,
      },
      {
        check: 'blocking-lock',
        file: '00007_total_bigint.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ALTER COLUMN total TYPE bigint` in the up of 00007_total_bigint\.sql takes ACCESS EXCLUSIVE on `public\.orders` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '00007_total_bigint.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ALTER COLUMN total TYPE bigint` in the up of 00007_total_bigint\.sql rewrites `public\.orders` and its index: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '00007_total_bigint.sql',
        line: 5,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ALTER COLUMN total TYPE int` in the down of 00007_total_bigint\.sql takes ACCESS EXCLUSIVE on `public\.orders` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '00007_total_bigint.sql',
        line: 5,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ALTER COLUMN total TYPE int` in the down of 00007_total_bigint\.sql rewrites `public\.orders` and its index: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '00008_created_timestamptz.sql',
        line: 3,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN created TYPE timestamptz` in the up of 00008_created_timestamptz\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '00008_created_timestamptz.sql',
        line: 3,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN created TYPE timestamptz` in the up of 00008_created_timestamptz\.sql rewrites `public\.users` and its 3 indexes: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '00008_created_timestamptz.sql',
        line: 6,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN created TYPE timestamp` in the down of 00008_created_timestamptz\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '00008_created_timestamptz.sql',
        line: 6,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN created TYPE timestamp` in the down of 00008_created_timestamptz\.sql rewrites `public\.users` and its 3 indexes: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '00009_orders_added_at.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ADD COLUMN added_at timestamptz DEFAULT clock_timestamp\(\)` in the up of 00009_orders_added_at\.sql takes ACCESS EXCLUSIVE on `public\.orders` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '00009_orders_added_at.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ADD COLUMN added_at timestamptz DEFAULT clock_timestamp\(\)` in the up of 00009_orders_added_at\.sql rewrites `public\.orders` and its index: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '00010_nickname_and_index.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE users ADD COLUMN nickname text` in the up of 00010_nickname_and_index\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) and holds it while 1 later statement runs in the same transaction \(`CREATE INDEX orders_total_idx ON orders/,
      },
      {
        check: 'blocking-lock',
        file: '00010_nickname_and_index.sql',
        line: 3,
        severity: 'warning',
        message:
          /`CREATE INDEX orders_total_idx ON orders \(total\)` in the up of 00010_nickname_and_index\.sql takes SHARE on `public\.orders` \(blocks writes\) while it builds an index over every row/,
      },
    ],
  },
  {
    dir: 'hazards/golang-migrate-safe',
    repo: true,
    exit: 0,
    findings: [
      {
        check: 'blocking-lock',
        file: '0002_email_text.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN email TYPE varchar\(20\)` in the down of 0002_email_text\.down\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '0002_email_text.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN email TYPE varchar\(20\)` in the down of 0002_email_text\.down\.sql rewrites `public\.users` and its index: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '0003_longer_name.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN name TYPE varchar\(20\)` in the down of 0003_longer_name\.down\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '0003_longer_name.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN name TYPE varchar\(20\)` in the down of 0003_longer_name\.down\.sql rewrites `public\.users` and its index: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '0005_drop_total_check.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK \(total >= 0\)` in the down of 0005_drop_total_check\.down\.sql takes ACCESS EXCLUSIVE on `public\.orders` \(blocks reads and writes\) while it reads every row to validate it/,
      },
      {
        check: 'fails-on-data',
        file: '0008_validate_orders_user_fk.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /The up of 0008_validate_orders_user_fk\.up\.sql passes on empty tables but fails when `public\.orders` has rows that reference nothing \(`orders_user_fk`\): Key \(user_id\)=\(-1\) is not present in table "users": insert or update/,
      },
      {
        check: 'fails-on-data',
        file: '0010_validate_age_check.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /The up of 0010_validate_age_check\.up\.sql passes on empty tables but fails when a row of `public\.users` breaks the check `users_age_check`: check constraint "users_age_check" of relation "users" is violated by some row \(S/,
      },
    ],
  },
  {
    dir: 'hazards/goose-safe',
    repo: true,
    exit: 0,
    findings: [
      {
        check: 'blocking-lock',
        file: '00002_email_text.sql',
        line: 5,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN email TYPE varchar\(20\)` in the down of 00002_email_text\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '00002_email_text.sql',
        line: 5,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN email TYPE varchar\(20\)` in the down of 00002_email_text\.sql rewrites `public\.users` and its index: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '00003_longer_name.sql',
        line: 5,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN name TYPE varchar\(20\)` in the down of 00003_longer_name\.sql takes ACCESS EXCLUSIVE on `public\.users` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '00003_longer_name.sql',
        line: 5,
        severity: 'warning',
        message:
          /`ALTER TABLE users ALTER COLUMN name TYPE varchar\(20\)` in the down of 00003_longer_name\.sql rewrites `public\.users` and its index: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '00005_drop_total_check.sql',
        line: 5,
        severity: 'warning',
        message:
          /`ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK \(total >= 0\)` in the down of 00005_drop_total_check\.sql takes ACCESS EXCLUSIVE on `public\.orders` \(blocks reads and writes\) while it reads every row to validate it/,
      },
      {
        check: 'fails-on-data',
        file: '00008_validate_orders_user_fk.sql',
        line: 2,
        severity: 'warning',
        message:
          /The up of 00008_validate_orders_user_fk\.sql passes on empty tables but fails when `public\.orders` has rows that reference nothing \(`orders_user_fk`\): Key \(user_id\)=\(-1\) is not present in table "users": insert or update o/,
      },
      {
        check: 'fails-on-data',
        file: '00010_validate_age_check.sql',
        line: 2,
        severity: 'warning',
        message:
          /The up of 00010_validate_age_check\.sql passes on empty tables but fails when a row of `public\.users` breaks the check `users_age_check`: check constraint "users_age_check" of relation "users" is violated by some row \(SQL/,
      },
    ],
  },
  {
    dir: 'hazards/lock-timeout',
    passes: ['blocking-lock', 'table-rewrite', 'fails-on-data', 'data-lost'],
    repo: true,
    exit: 0,
    findings: [
      {
        check: 'lock-timeout',
        file: '0002_account_region.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE accounts DROP COLUMN region` in the down of 0002_account_region\.down\.sql takes ACCESS EXCLUSIVE on `public\.accounts` with no lock_timeout: behind one long-running query it waits without limit, and every quer/,
      },
      {
        check: 'lock-timeout',
        file: '0002_account_region.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE accounts ADD COLUMN region text` in the up of 0002_account_region\.up\.sql takes ACCESS EXCLUSIVE on `public\.accounts` with no lock_timeout: behind one long-running query it waits without limit, and every quer/,
      },
    ],
  },
  {
    dir: 'data/golang-migrate-failing',
    exit: 0,
    findings: [
      {
        check: 'blocking-lock',
        file: '0002_email_required.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN email SET NOT NULL` in the up of 0002_email_required\.up\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it reads every row to validate it/,
      },
      {
        check: 'fails-on-data',
        file: '0002_email_required.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /The up of 0002_email_required\.up\.sql passes on empty tables but fails when any `customers\.email` is NULL: column "email" of relation "customers" contains null values \(SQLSTATE 23502\)\. The generated rows are ones the sche/,
      },
      {
        check: 'blocking-lock',
        file: '0003_unique_phone.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ADD CONSTRAINT customers_phone_key UNIQUE \(phone\)` in the up of 0003_unique_phone\.up\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it builds an index over every row/,
      },
      {
        check: 'fails-on-data',
        file: '0003_unique_phone.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /The up of 0003_unique_phone\.up\.sql passes on empty tables but fails when `public\.customers` holds duplicates for `customers_phone_key` \(Key \(phone\)=\(2\) is duplicated\): could not create unique index "customers_phone_key" /,
      },
      {
        check: 'blocking-lock',
        file: '0004_code_integer.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN code TYPE text` in the down of 0004_code_integer\.down\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '0004_code_integer.down.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN code TYPE text` in the down of 0004_code_integer\.down\.sql rewrites `public\.customers` and its 2 indexes: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '0004_code_integer.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN code TYPE integer USING code::integer` in the up of 0004_code_integer\.up\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'fails-on-data',
        file: '0004_code_integer.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /The up of 0004_code_integer\.up\.sql passes on empty tables but fails when the column holds text that is not of the new type \(such as `12abc` or an empty string\): invalid input syntax for type integer: "O'Brien" \(SQLSTATE /,
      },
      {
        check: 'table-rewrite',
        file: '0004_code_integer.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN code TYPE integer USING code::integer` in the up of 0004_code_integer\.up\.sql rewrites `public\.customers` and its 2 indexes: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '0005_shorter_nickname.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN nickname TYPE varchar\(10\)` in the up of 0005_shorter_nickname\.up\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'fails-on-data',
        file: '0005_shorter_nickname.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /The up of 0005_shorter_nickname\.up\.sql passes on empty tables but fails when a value is longer than the new type allows: value too long for type character varying\(10\) \(SQLSTATE 22001\)\. The generated rows are ones the sch/,
      },
      {
        check: 'table-rewrite',
        file: '0005_shorter_nickname.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN nickname TYPE varchar\(10\)` in the up of 0005_shorter_nickname\.up\.sql rewrites `public\.customers` and its 2 indexes: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'data-lost',
        file: '0006_drop_legacy_id.down.sql',
        severity: 'warning',
        message:
          /After up then 0006_drop_legacy_id\.down\.sql, 857 values of `public\.customers\.legacy_id` are lost \(NULL or missing\)/,
      },
    ],
  },
  {
    dir: 'data/goose-failing',
    exit: 0,
    findings: [
      {
        check: 'blocking-lock',
        file: '00002_email_required.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN email SET NOT NULL` in the up of 00002_email_required\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it reads every row to validate it/,
      },
      {
        check: 'fails-on-data',
        file: '00002_email_required.sql',
        line: 2,
        severity: 'warning',
        message:
          /The up of 00002_email_required\.sql passes on empty tables but fails when any `customers\.email` is NULL: column "email" of relation "customers" contains null values \(SQLSTATE 23502\)\. The generated rows are ones the schema/,
      },
      {
        check: 'blocking-lock',
        file: '00003_unique_phone.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ADD CONSTRAINT customers_phone_key UNIQUE \(phone\)` in the up of 00003_unique_phone\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it builds an index over every row/,
      },
      {
        check: 'fails-on-data',
        file: '00003_unique_phone.sql',
        line: 2,
        severity: 'warning',
        message:
          /The up of 00003_unique_phone\.sql passes on empty tables but fails when `public\.customers` holds duplicates for `customers_phone_key` \(Key \(phone\)=\(2\) is duplicated\): could not create unique index "customers_phone_key" \(S/,
      },
      {
        check: 'blocking-lock',
        file: '00004_code_integer.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN code TYPE integer USING code::integer` in the up of 00004_code_integer\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'fails-on-data',
        file: '00004_code_integer.sql',
        line: 2,
        severity: 'warning',
        message:
          /The up of 00004_code_integer\.sql passes on empty tables but fails when the column holds text that is not of the new type \(such as `12abc` or an empty string\): invalid input syntax for type integer: "O'Brien" \(SQLSTATE 22/,
      },
      {
        check: 'table-rewrite',
        file: '00004_code_integer.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN code TYPE integer USING code::integer` in the up of 00004_code_integer\.sql rewrites `public\.customers` and its 2 indexes: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '00004_code_integer.sql',
        line: 5,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN code TYPE text` in the down of 00004_code_integer\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'table-rewrite',
        file: '00004_code_integer.sql',
        line: 5,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN code TYPE text` in the down of 00004_code_integer\.sql rewrites `public\.customers` and its 2 indexes: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'blocking-lock',
        file: '00005_shorter_nickname.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN nickname TYPE varchar\(10\)` in the up of 00005_shorter_nickname\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it rewrites the whole table/,
      },
      {
        check: 'fails-on-data',
        file: '00005_shorter_nickname.sql',
        line: 2,
        severity: 'warning',
        message:
          /The up of 00005_shorter_nickname\.sql passes on empty tables but fails when a value is longer than the new type allows: value too long for type character varying\(10\) \(SQLSTATE 22001\)\. The generated rows are ones the schem/,
      },
      {
        check: 'table-rewrite',
        file: '00005_shorter_nickname.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN nickname TYPE varchar\(10\)` in the up of 00005_shorter_nickname\.sql rewrites `public\.customers` and its 2 indexes: every row is copied into new files while the table is locked; it took /,
      },
      {
        check: 'data-lost',
        file: '00006_drop_legacy_id.sql',
        severity: 'warning',
        message:
          /After up then 00006_drop_legacy_id\.sql, 857 values of `public\.customers\.legacy_id` are lost \(NULL or missing\)/,
      },
    ],
  },
  {
    dir: 'data/golang-migrate-fixed',
    passes: ['fails-on-data', 'data-lost', 'table-rewrite'],
    exit: 0,
    findings: [
      {
        check: 'blocking-lock',
        file: '0002_email_required.up.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN email SET NOT NULL` in the up of 0002_email_required\.up\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it reads every row to validate it/,
      },
      {
        check: 'blocking-lock',
        file: '0003_unique_phone.up.sql',
        line: 2,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ADD CONSTRAINT customers_phone_key UNIQUE \(phone\)` in the up of 0003_unique_phone\.up\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it builds an index over every row/,
      },
      {
        check: 'blocking-lock',
        file: '0004_code_integer.up.sql',
        line: 2,
        severity: 'warning',
        message:
          /`UPDATE customers SET code_number = code::integer WHERE code ~ '\^\[0-9\]\{1,9\}\$'` in the up of 0004_code_integer\.up\.sql holds ACCESS EXCLUSIVE on `public\.customers`, taken at line 1 \(blocks reads and writes\) while it reads every row as it updates the table/,
      },
    ],
  },
  {
    // The user's own rows (seed-files): the migration fails on them, and says they came from there.
    dir: 'data/seed-files',
    repo: true,
    passes: ['seed-file', 'data-lost'],
    exit: 0,
    findings: [
      {
        check: 'fails-on-data',
        file: '0002_email_required.up.sql',
        line: 1,
        severity: 'warning',
        message:
          /fails when any `customers\.email` is NULL.*The rows came from your seed file seeds\/0001_customers\.sql/,
      },
    ],
  },
  {
    // Seed files that fail, or that reach outside the scratch database, are errors in the file and line.
    dir: 'data/seed-files-broken',
    repo: true,
    exit: 1,
    findings: [
      {
        check: 'seed-file',
        file: '0001_customers.sql',
        line: 3,
        severity: 'error',
        message:
          /The seed file seeds\/0001_customers\.sql fails before migration 0002: column "full_name" .* does not exist/,
        help: /Fix the seed file/,
      },
      {
        check: 'seed-file',
        file: '0001_export.sql',
        line: 2,
        severity: 'error',
        message: /not run: COPY … FROM PROGRAM acts outside the scratch database/,
      },
      {
        check: 'fails-on-data',
        file: '0002_email_required.up.sql',
        line: 1,
        message: /The generated rows are ones the schema before it allows/,
      },
    ],
  },
  {
    dir: 'data/goose-fixed',
    passes: ['fails-on-data', 'data-lost', 'table-rewrite'],
    exit: 0,
    findings: [
      {
        check: 'blocking-lock',
        file: '00002_email_required.sql',
        line: 3,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ALTER COLUMN email SET NOT NULL` in the up of 00002_email_required\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it reads every row to validate it/,
      },
      {
        check: 'blocking-lock',
        file: '00003_unique_phone.sql',
        line: 3,
        severity: 'warning',
        message:
          /`ALTER TABLE customers ADD CONSTRAINT customers_phone_key UNIQUE \(phone\)` in the up of 00003_unique_phone\.sql takes ACCESS EXCLUSIVE on `public\.customers` \(blocks reads and writes\) while it builds an index over every row/,
      },
      {
        check: 'blocking-lock',
        file: '00004_code_integer.sql',
        line: 3,
        severity: 'warning',
        message:
          /`UPDATE customers SET code_number = code::integer WHERE code ~ '\^\[0-9\]\{1,9\}\$'` in the up of 00004_code_integer\.sql holds ACCESS EXCLUSIVE on `public\.customers`, taken at line 2 \(blocks reads and writes\) while it reads every row as it updates the table/,
      },
    ],
  },
  {
    dir: 'hazards/lock-timeout-set',
    repo: true,
    exit: 0,
    passes: ['lock-timeout', 'blocking-lock', 'table-rewrite'],
    findings: [],
  },
  // diesel: a folder per migration; versions compare as text; metadata.toml decides the transaction
  {
    dir: 'diesel/clean',
    exit: 0,
    findings: [],
    passes: ['down-reverts-up', 'up-repeatable', 'sql-error', 'pairing', 'transaction', 'naming'],
  },
  {
    dir: 'diesel/down-leaves-column',
    exit: 1,
    findings: [
      {
        check: 'pairing',
        file: '2024-01-02-000000_add_nickname/down.sql',
        severity: 'error',
        message:
          /2024-01-02-000000_add_nickname\/down.sql is empty: diesel refuses .*Attempted to run an empty migration/,
      },
      {
        check: 'down-reverts-up',
        file: '2024-01-02-000000_add_nickname/down.sql',
        message: /column `public\.users\.nickname` is left behind/,
      },
      {
        check: 'up-repeatable',
        file: '2024-01-02-000000_add_nickname/up.sql',
        message: /"nickname" .* already exists/,
      },
      {
        check: 'pairing',
        file: '2024-01-03-000000_add_bio/down.sql',
        severity: 'warning',
        message: /The down of 2024-01-03-000000_add_bio is empty or holds only comments/,
      },
      { check: 'down-reverts-up', file: '2024-01-03-000000_add_bio/down.sql', message: /`public\.users\.bio` is left/ },
      { check: 'up-repeatable', file: '2024-01-03-000000_add_bio/up.sql', message: /"bio" .* already exists/ },
    ],
  },
  { dir: 'diesel/no-transaction', exit: 0, findings: [], passes: ['transaction'] },
  {
    dir: 'diesel/concurrently-in-transaction',
    exit: 1,
    findings: [
      {
        check: 'transaction',
        file: '2024-01-02-000000_index_email/up.sql',
        message: /cannot run inside a transaction block/,
        help: /`run_in_transaction = false` in its `metadata.toml`/,
      },
    ],
  },
  {
    dir: 'diesel/metadata-without-key',
    exit: 0,
    findings: [
      {
        check: 'transaction',
        file: '2024-01-02-000000_index_email/metadata.toml',
        severity: 'notice',
        message: /does not set `run_in_transaction`: diesel then runs the migration outside a transaction/,
      },
    ],
  },
  {
    dir: 'diesel/ordering',
    exit: 1,
    findings: [
      { check: 'sql-error', file: '10_add_nickname/up.sql', line: 1, message: /relation "users" does not exist/ },
    ],
  },
  // node-pg-migrate: `-- Up Migration` / `-- Down Migration` sections, numeric prefixes (17 digits are a UTC time)
  {
    dir: 'node-pg-migrate/clean',
    exit: 0,
    findings: [],
    passes: ['down-reverts-up', 'up-repeatable', 'sql-error', 'pairing', 'transaction'],
  },
  {
    dir: 'node-pg-migrate/down-leaves-column',
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: '1700000100000_add-nickname.sql',
        message: /column `public\.users\.nickname` is left behind/,
      },
      { check: 'up-repeatable', file: '1700000100000_add-nickname.sql', message: /"nickname" .* already exists/ },
    ],
  },
  {
    dir: 'node-pg-migrate/concurrently-in-transaction',
    exit: 1,
    findings: [
      {
        check: 'transaction',
        file: '1700000100000_index-email.sql',
        message: /CREATE INDEX CONCURRENTLY cannot run inside a transaction block/,
        help: /`pgm\.noTransaction\(\)`/,
      },
    ],
  },
  { dir: 'node-pg-migrate/ordering', exit: 0, findings: [], passes: ['sql-error'] },
  {
    dir: 'node-pg-migrate/up-fails',
    exit: 1,
    findings: [
      {
        check: 'sql-error',
        file: '1700000100000_add-nickname.sql',
        message: /up of 1700000100000_add-nickname fails .*"nickname" of relation "users" already exists/,
      },
    ],
  },
  // tern: numbered 1, 2, 3 … without gaps; `---- create above / drop below ----`; `---- tern: disable-tx ----`
  {
    dir: 'tern/clean',
    exit: 0,
    findings: [],
    passes: ['down-reverts-up', 'up-repeatable', 'sql-error', 'pairing', 'parse-error'],
  },
  {
    dir: 'tern/down-leaves-type',
    exit: 1,
    findings: [
      { check: 'down-reverts-up', file: '002_status.sql', message: /enum `public\.user_status` is left behind/ },
      { check: 'up-repeatable', file: '002_status.sql', message: /type "user_status" already exists/ },
    ],
  },
  { dir: 'tern/no-transaction', exit: 0, findings: [], passes: ['transaction'] },
  {
    dir: 'tern/concurrently-in-transaction',
    exit: 1,
    findings: [
      {
        check: 'transaction',
        file: '002_index_email.sql',
        message: /cannot run inside a transaction block/,
        help: /`---- tern: disable-tx ----`/,
      },
    ],
  },
  {
    dir: 'tern/ordering',
    exit: 1,
    findings: [
      {
        check: 'parse-error',
        file: '003_add_nickname.sql',
        message: /Migration 2 is missing before 003_add_nickname\.sql: tern refuses to run any migration/,
      },
    ],
  },
  // liquibase: formatted SQL changelogs, ordered by the master changelog; `--rollback` is the down
  {
    dir: 'liquibase/clean',
    exit: 0,
    findings: [
      {
        check: 'partial-replay',
        file: 'changes/001-users.sql',
        severity: 'notice',
        message: /carry `context:` or `labels:`, which migrate-check does not evaluate/,
      },
      {
        check: 'partial-replay',
        file: 'changes/002-posts.sql',
        line: 3,
        severity: 'notice',
        message: /Changeset bob:1 has preconditions, which migrate-check does not evaluate/,
      },
    ],
    passes: ['down-reverts-up', 'up-repeatable', 'sql-error', 'pairing', 'parse-error'],
  },
  {
    dir: 'liquibase/rollback-leaves-column',
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: 'changelog.sql',
        message: /column `public\.users\.bio` is left behind by changeset alice:2 of changelog\.sql/,
      },
      { check: 'up-repeatable', file: 'changelog.sql', line: 9, message: /"bio" of relation "users" already exists/ },
    ],
  },
  { dir: 'liquibase/no-transaction', exit: 0, findings: [], passes: ['transaction'] },
  {
    dir: 'liquibase/concurrently-in-transaction',
    exit: 1,
    findings: [
      {
        check: 'transaction',
        file: 'changelog.sql',
        line: 8,
        message: /cannot run inside a transaction block/,
        help: /`runInTransaction:false`/,
      },
    ],
  },
  { dir: 'liquibase/ordering', exit: 0, findings: [], passes: ['sql-error'] },
  {
    dir: 'history/liquibase-edited',
    history: true,
    args: ['db', '--base', 'main'],
    exit: 1,
    findings: [
      {
        check: 'history-edited',
        file: 'changelog.sql',
        message: /^Changeset alice:2 of changelog\.sql already exists on main and was edited/,
      },
    ],
  },
  // sqitch: sqitch.plan decides the order; deploy/, revert/ and verify/ scripts run as psql runs them
  {
    dir: 'sqitch/clean',
    exit: 0,
    findings: [],
    passes: ['down-reverts-up', 'up-repeatable', 'sql-error', 'pairing', 'verify', 'parse-error'],
  },
  {
    dir: 'sqitch/verify-fails',
    exit: 1,
    findings: [
      {
        check: 'verify',
        file: 'verify/users.sql',
        line: 3,
        message: /verify\/users\.sql fails after deploy\/users\.sql .*column "created_at" does not exist/,
      },
    ],
  },
  {
    dir: 'sqitch/revert-leaves-index',
    exit: 1,
    findings: [
      {
        check: 'down-reverts-up',
        file: 'revert/users_email.sql',
        message: /column `flipr\.users\.email` is left behind/,
      },
      {
        check: 'up-repeatable',
        file: 'deploy/users_email.sql',
        message: /column "email" of relation "users" already exists/,
      },
    ],
  },
  { dir: 'sqitch/no-transaction', exit: 0, findings: [], passes: ['transaction', 'verify'] },
  {
    dir: 'sqitch/ordering',
    exit: 1,
    findings: [
      {
        check: 'parse-error',
        file: 'sqitch.plan',
        line: 6,
        message: /sqitch refuses the plan: .*Change "users_nickname" planned 1 change before required change "users"/,
      },
      {
        check: 'sql-error',
        file: 'deploy/users_nickname.sql',
        line: 2,
        message: /up of deploy\/users_nickname\.sql fails at line 2/,
      },
    ],
  },
  // a definition that keeps the time it was created: reported once, left out of the schema comparisons
  {
    dir: 'golang-migrate/view-frozen-time',
    exit: 0,
    findings: [
      {
        check: 'creation-time',
        file: '0002_recent_posts.up.sql',
        line: 4,
        severity: 'warning',
        message:
          /^view `public\.recent_posts` compares against the time it was created, not the current time: `'now'::timestamp`/,
        help: /now\(\)/,
      },
    ],
    passes: ['down-reverts-up', 'up-repeatable'],
  },
  {
    dir: 'golang-migrate/view-current-time',
    exit: 0,
    findings: [],
    passes: ['creation-time', 'down-reverts-up', 'up-repeatable'],
  },
  {
    dir: 'history/liquibase-run-on-change',
    history: true,
    args: ['db', '--base', 'main'],
    exit: 0,
    findings: [],
    passes: ['history-edited'],
  },
];
