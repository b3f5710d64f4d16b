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
      { check: 'outside-database', file: '0002_reporting_role.down.sql', line: 2, severity: 'warning', message: /line 2: DROP ROLE; .*removed role reporting: nologin/ },
    ],
  },
  { dir: 'golang-migrate/clean', exit: 0, findings: [], passes: ['down-reverts-up', 'up-repeatable', 'sql-error', 'pairing', 'duplicate-version'] },
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
  // goose
  { dir: 'goose/clean', exit: 0, findings: [] },
  { dir: 'goose/ordering', exit: 0, findings: [] },
  {
    dir: 'goose/down-leaves-column',
    exit: 1,
    findings: [
      { check: 'down-reverts-up', file: '00002_add_nickname.sql', message: /column `public\.users\.nickname` is left behind by 00002_add_nickname\.sql/ },
      { check: 'up-repeatable', file: '00002_add_nickname.sql', line: 2, message: /column "nickname" of relation "users" already exists/ },
    ],
  },
  {
    dir: 'goose/concurrently-in-transaction',
    exit: 1,
    findings: [{ check: 'transaction', file: '00002_index_email.sql', line: 2, message: /CREATE INDEX CONCURRENTLY cannot run inside a transaction block: .*wraps the file in BEGIN … COMMIT/, help: /-- \+goose NO TRANSACTION/ }],
  },
  {
    dir: 'goose/missing-statement-end',
    exit: 1,
    findings: [{ check: 'parse-error', file: '00002_normalise_email.sql', line: 2, message: /goose would refuse to run 00002_normalise_email\.sql: the `-- \+goose StatementBegin` at line 2 has no `-- \+goose StatementEnd`/ }],
  },
  {
    dir: 'goose/go-migration',
    exit: 0,
    findings: [{ check: 'partial-replay', severity: 'warning', file: '00002_backfill_emails.go', message: /Go migration: .*version 00002 was not run and the replay continued without it/ }],
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
      { check: 'down-reverts-up', file: '20240103000000_normalise_email.sql', message: /function `public\.normalise_email\(\)` is left behind/ },
      { check: 'up-repeatable', file: '20240103000000_normalise_email.sql', message: /function "normalise_email" already exists/ },
      { check: 'pairing', severity: 'warning', file: '20240103000000_normalise_email.sql', line: 9, message: /The down of 20240103000000_normalise_email is empty or holds only comments/ },
    ],
  },
  {
    // dbmate applies files in name order: `10_` before `2_`.
    dir: 'dbmate/ordering',
    exit: 1,
    findings: [{ check: 'sql-error', file: '10_add_nickname.sql', line: 1, message: /up of 10_add_nickname fails at line 1: relation "users" does not exist/ }],
  },
  {
    dir: 'dbmate/concurrently-in-transaction',
    exit: 1,
    findings: [{ check: 'transaction', file: '20240102000000_index_email.sql', message: /cannot run inside a transaction block/ }],
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
        message: /fails at line 10: duplicate key value violates unique constraint "schema_migrations_pkey" \(SQLSTATE 23505\)/,
      },
      { check: 'parse-error', severity: 'warning', file: '20240101000000_create_users.sql', line: 10, message: /amacneil\/dbmate#820/ },
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
        message: /dbmate refuses 20240102000000_add_nickname\.sql: "dbmate requires each migration to define a down block/,
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
        message: /on a new database `dbmate up` applies the first, then runs the second and fails recording its version/,
      },
    ],
  },
  {
    // ENVSUB takes `${TABLE_PREFIX}` from the placeholders, with goose's `$X`, `${X:-d}` and `${X-d}` forms.
    dir: 'goose/envsub',
    args: ['--placeholder', '${TABLE_PREFIX}=app_'],
    exit: 0,
    findings: [
      { check: 'partial-replay', severity: 'warning', file: '00001_create_users.sql', line: 8, message: /uses `\$OWNER_ROLE` under `-- \+goose ENVSUB ON`/ },
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
        message: /goose would refuse to run 00001_create_users\.sql: failed to parse annotation line "-- \+goose Down -- rollback"/,
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
      { check: 'down-reverts-up', file: '2_audit.sql', message: /^table `public\.audit_archive` is left behind by 2_audit\.sql$/ },
      { check: 'up-repeatable', file: '2_audit.sql', line: 3, message: /relation "audit_archive" already exists/ },
    ],
  },
  {
    dir: 'sql-migrate/concurrently-in-transaction',
    exit: 1,
    findings: [{ check: 'transaction', file: '2_index_email.sql', line: 2, message: /cannot run inside a transaction block/ }],
  },
  // sqlx: its files look like golang-migrate's or plain ones, so the format is named
  { dir: 'sqlx/clean', exit: 0, args: ['--format', 'sqlx'], findings: [] },
  { dir: 'sqlx/clean', exit: 2, findings: [], says: /fits more than one migration format: golang-migrate .*; sqlx .*Set `format`/ },
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
    findings: [{ check: 'transaction', file: '2_index_email.sql', message: /cannot run inside a transaction block: in 2_index_email\.sql the runner wraps the file in BEGIN … COMMIT/, help: /whose first line is `-- no-transaction`/ }],
  },
  // flyway
  {
    dir: 'flyway/clean',
    exit: 0,
    findings: [{ check: 'naming', severity: 'notice', file: 'V2__readme.md', message: /V2__readme\.md looks like a migration, but flyway only runs `\.sql` files/ }],
  },
  {
    dir: 'flyway/down-leaves-sequence',
    exit: 1,
    findings: [
      { check: 'down-reverts-up', file: 'U2__invoice_numbers.sql', message: /sequence `public\.invoice_number_seq` is left behind by U2__invoice_numbers\.sql/ },
      { check: 'up-repeatable', file: 'V2__invoice_numbers.sql', message: /already exists/ },
    ],
  },
  {
    dir: 'flyway/mixed-transaction',
    exit: 1,
    findings: [{ check: 'transaction', file: 'V2__index_and_column.sql', line: 2, message: /Flyway refuses V2__index_and_column\.sql: it mixes a statement that cannot run in a transaction/ }],
  },
  { dir: 'flyway/placeholders', exit: 2, findings: [], says: /V1__create_schema\.sql:1 uses the placeholder \$\{appSchema\}, which has no value: flyway would refuse to run it\. Set it in the config/ },
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
  { dir: 'plain/concurrently-in-transaction', exit: 1, findings: [{ check: 'transaction', file: '002_index_email.sql', message: /cannot run inside a transaction block/ }] },
  { dir: 'plain/up-fails', exit: 1, findings: [{ check: 'sql-error', file: '002_add_fk.sql', line: 1, message: /relation "teams" does not exist/ }] },
  // prisma
  { dir: 'prisma/clean', exit: 0, findings: [] },
  { dir: 'prisma/ordering', exit: 0, findings: [] },
  {
    dir: 'prisma/concurrently-in-transaction',
    exit: 1,
    findings: [{ check: 'transaction', file: '20240102000000_email_index/migration.sql', message: /cannot run inside a transaction block.*sends the whole file as one query/ }],
  },
  // drizzle
  { dir: 'drizzle/clean', exit: 0, findings: [], passes: ['naming'] },
  { dir: 'drizzle/ordering', exit: 0, findings: [] },
  {
    dir: 'drizzle/journal-time-order',
    exit: 1,
    findings: [{ check: 'naming', file: '0002_nickname.sql', message: /the drizzle migrator applies only entries newer than the last one applied, so it skips 0002_nickname on every database already migrated to 0001/ }],
  },
  { dir: 'drizzle/not-in-journal', exit: 1, findings: [{ check: 'naming', file: '0001_lost_merge.sql', message: /0001_lost_merge\.sql is not in meta\/_journal\.json: the drizzle migrator will never run it/ }] },
  { dir: 'drizzle/concurrently-in-transaction', exit: 1, findings: [{ check: 'transaction', file: '0000_brave_hulk.sql', line: 3, message: /cannot run inside a transaction block/ }] },
  // the prelude
  {
    dir: 'golang-migrate/missing-extension',
    exit: 1,
    findings: [{ check: 'missing-extension', file: '0002_embeddings.up.sql', message: /0002_embeddings\.up\.sql needs the `vector` extension, which this Postgres server does not have/, help: /postgres-image: pgvector\/pgvector:pg17.*--database-url/ }],
  },
  // the layouts users described, each a small repository
  { dir: 'layouts/api-three-digit', repo: true, args: ['api/migrations'], exit: 0, findings: [], passes: ['missing-extension'] },
  // ory's popx: a dialect's file is preferred over the generic one, other dialects' files are not for Postgres,
  // `.autocommit.` files run without a transaction (CONCURRENTLY works), empty placeholders do nothing.
  { dir: 'layouts/ory-popx', repo: true, exit: 0, findings: [], passes: ['transaction'] },
  {
    dir: 'layouts/postgrator',
    repo: true,
    exit: 1,
    findings: [
      { check: 'down-reverts-up', file: '0002.undo.unique-email.sql', message: /index `public\.accounts_email` is left behind by 0002\.undo\.unique-email\.sql/ },
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
    findings: [{ check: 'sql-error', file: '20240212170000_invoice_status.up.sql', message: /relation "queue_jobs" does not exist/ }],
  },
  { dir: 'layouts/tenant-settings', repo: true, exit: 0, findings: [] },
  {
    dir: 'layouts/needs-superuser',
    repo: true,
    exit: 1,
    findings: [{ check: 'sql-error', file: '002_event_trigger.up.sql', message: /permission denied to create event trigger "log_ddl" \(SQLSTATE 42501\)/ }],
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
      { check: 'down-reverts-up', file: '10-audit-log.undo.sql', message: /table `public\.audit_log` is left behind by 10-audit-log\.undo\.sql/ },
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
      { check: 'pairing', file: '0003_index_email.down.sql', message: /0003_index_email\.down\.sql is a down migration without its up \(version 0003\)/ },
    ],
  },
  // both findings of this fixture are suppressed in the migration's files, with reasons
  { dir: 'golang-migrate/suppressed', exit: 0, findings: [] },
  {
    dir: 'golang-migrate/bad-timestamps',
    exit: 0,
    findings: [
      { check: 'timestamp', severity: 'warning', file: '20241331090000_add_email.up.sql', message: /Version 20241331090000 of 20241331090000_add_email\.up\.sql looks like a YYYYMMDDHHMMSS timestamp but is not a valid date/ },
      { check: 'timestamp', severity: 'warning', file: '20990105100000_add_nickname.up.sql', message: /Version 20990105100000 .* lies in the future \(2099-01-05\)/ },
    ],
  },
  {
    // version-gap is opt-in: this repository's config turns it on
    dir: 'layouts/numbered-gaps',
    repo: true,
    exit: 1,
    findings: [{ check: 'version-gap', file: '0005_add_nickname.sql', message: /0005_add_nickname\.sql \(version 0005\) follows version 0002: version 3–4 is missing/ }],
  },
  // version-gap on, and the versions follow each other
  { dir: 'layouts/numbered-no-gaps', repo: true, exit: 0, findings: [], passes: ['version-gap'] },
  // migrate-check.sum, written by `migrate-check hash`
  { dir: 'golang-migrate/sum-matches', exit: 0, findings: [], passes: ['sum-file'] },
  {
    dir: 'golang-migrate/sum-mismatch',
    exit: 1,
    findings: [{ check: 'sum-file', file: '0002_add_nickname.up.sql', message: /^0002_add_nickname\.up\.sql differs from its checksum in migrate-check\.sum: the migration was edited after it was recorded/ }],
  },
  // pull requests, against the base branch
  { dir: 'history/adds-one', history: true, args: ['db', '--base', 'main'], exit: 0, findings: [], passes: ['history-edited', 'version-order'] },
  {
    dir: 'history/edited',
    history: true,
    args: ['db', '--base', 'main'],
    exit: 1,
    findings: [{ check: 'history-edited', file: '0002_add_nickname.up.sql', message: /0002_add_nickname\.up\.sql already exists on main and was edited/ }],
  },
  {
    dir: 'history/version-order',
    history: true,
    args: ['db', '--base', 'main'],
    exit: 1,
    findings: [{ check: 'version-order', file: '0003_add_bio.up.sql', message: /0003_add_bio\.up\.sql is new, but version 0003 sorts before 0005_teams\.up\.sql \(version 0005\), which is already on main/ }],
  },
  {
    dir: 'golang-migrate/duplicate-version',
    exit: 1,
    findings: [
      { check: 'duplicate-version', file: '002_create_teams.up.sql', message: /002_create_teams\.up\.sql and 0002_add_email\.up\.sql are both version 2: golang-migrate refuses to run the directory .*replayed only 0002_add_email\.up\.sql/ },
      { check: 'duplicate-version', file: '002_create_teams.down.sql', message: /002_create_teams\.down\.sql and 0002_add_email\.down\.sql are both version 2/ },
    ],
  },
];
