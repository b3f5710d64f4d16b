import { basename } from 'node:path';
import type { Check } from './check.ts';

/** active_sql_transaction: "… cannot run inside a transaction block". */
export const TRANSACTION_SQLSTATE = '25001';

const RUNNER_BEHAVIOUR: Record<string, string> = {
  implicit: 'the runner sends the whole file as one query, which Postgres runs as one implicit transaction',
  wrapped: 'the runner wraps the file in BEGIN … COMMIT',
  none: 'the file opens its own transaction',
};

export const transaction: Check = {
  id: 'transaction',
  defaultSeverity: 'error',
  summary: 'A statement that cannot run inside a transaction (CONCURRENTLY, VACUUM, ALTER SYSTEM …) is sent inside one.',
  run({ replay, set }) {
    return (replay?.steps ?? [])
      .filter((s) => s.status === 'failed' && s.error?.code === TRANSACTION_SQLSTATE)
      .map((s) => {
        const e = s.error!;
        const migration = set.migrations.find((m) => m.version === s.version);
        const mode = (s.direction === 'up' ? migration?.up : migration?.down)?.transaction ?? 'implicit';
        const fix =
          set.format === 'golang-migrate'
            ? 'Move the statement into a migration file of its own (golang-migrate runs a single-statement file outside a transaction block).'
            : 'Move the statement into its own migration and mark that migration as running without a transaction.';
        return {
          file: e.file,
          line: e.line,
          message: `${e.message}: in ${basename(e.file)} ${RUNNER_BEHAVIOUR[mode]}, so this statement fails when the migration is deployed.`,
          help: fix,
        };
      });
  },
};
