import { basename } from 'node:path';
import { formatProblems, type Check, type CheckContext, type CheckResult } from './check.ts';

/** active_sql_transaction: "… cannot run inside a transaction block". */
export const TRANSACTION_SQLSTATE = '25001';

const RUNNER_BEHAVIOUR: Record<string, string> = {
  implicit: 'the runner sends the whole file as one query, which Postgres runs as one implicit transaction',
  wrapped: 'the runner wraps the file in BEGIN … COMMIT',
  none: 'the file opens its own transaction',
};

/** Each tool's way to run a migration outside a transaction. */
const FIX: Record<string, string> = {
  'golang-migrate': 'Move the statement into a migration file of its own (golang-migrate runs a single-statement file outside a transaction block).',
  goose: 'Move the statement into its own migration file that starts with `-- +goose NO TRANSACTION`.',
  dbmate: 'Move the statement into its own migration whose up marker reads `-- migrate:up transaction:false`.',
  sqlx: 'Move the statement into its own migration whose first line is `-- no-transaction`.',
  'sql-migrate': 'Move the statement into its own migration whose marker reads `-- +migrate Up notransaction`.',
  flyway:
    'Add `executeInTransaction=false` to a `<migration>.sql.conf` file beside the migration (Flyway runs it in a transaction otherwise, ' +
    'even alone, for statements its parser does not know need none, such as `REINDEX INDEX … CONCURRENTLY`).',
  prisma: 'Move the statement into a migration of its own with nothing else in it (Prisma sends the file as one query, which Postgres runs outside a transaction block only when it holds one statement).',
  drizzle: 'The drizzle migrator runs every migration inside one transaction: run this statement outside it (e.g. a separate script after `migrate()`).',
  plain: 'Your runner wraps each file in a transaction: run this statement outside it. If the runner has a no-transaction marker (postgres-migrations: `-- postgres-migrations disable-transaction`), put it at the top of the file and set `no-transaction-marker` to it in the config.',
};

/** A failure that shows only when the runner applies the pending migrations in one transaction. */
function together({ together: applied, replay }: CheckContext): CheckResult[] {
  const e = applied?.error;
  if (!e || replay?.steps.some((s) => s.status === 'failed' && s.file === e.file)) return [];
  const versions = applied!.versions;
  return [
    {
      file: e.file,
      line: e.line,
      message:
        `${basename(e.file)} fails when the migrator applies the pending migrations ${versions.join(', ')} together in one transaction, ` +
        `as a deploy does: ${e.message} (SQLSTATE ${e.code}). Applied one at a time it passes, so only the deploy fails.`,
      help:
        e.code === '55P04'
          ? 'A new enum value cannot be used in the transaction that adds it: add the value in one deploy and use it in a later one (a separate `drizzle-kit migrate` run), or avoid the new value in that migration.'
          : 'Make the migration work on the state the earlier pending migrations leave inside the same transaction, or deploy them separately.',
    },
  ];
}

export const transaction: Check = {
  id: 'transaction',
  defaultSeverity: 'error',
  summary: 'A statement that cannot run inside a transaction (CONCURRENTLY, VACUUM, ALTER SYSTEM …) is sent inside one.',
  run(context) {
    const { replay, set } = context;
    const failures = (replay?.steps ?? [])
      .filter((s) => s.status === 'failed' && s.error?.code === TRANSACTION_SQLSTATE)
      .map((s) => {
        const e = s.error!;
        const migration = set.migrations.find((m) => m.version === s.version);
        const mode = (s.direction === 'up' ? migration?.up : migration?.down)?.transaction ?? 'implicit';
        const fix = FIX[set.format] ?? 'Move the statement into its own migration and mark that migration as running without a transaction.';
        return {
          file: e.file,
          line: e.line,
          message: `${e.message}: in ${basename(e.file)} ${RUNNER_BEHAVIOUR[mode]}, so this statement fails when the migration is deployed.`,
          help: fix,
        };
      });
    return [...formatProblems(context, 'transaction'), ...failures, ...together(context)];
  },
};
