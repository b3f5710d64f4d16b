import { sameMigration, shownFile } from '../migration.ts';
import { splitStatements } from '../sql/split.ts';
import { formatProblems, type Check, type CheckContext, type CheckResult } from './check.ts';

const RUNNER_BEHAVIOUR: Record<string, string> = {
  implicit: 'the runner sends the whole file as one query, which Postgres runs as one implicit transaction',
  wrapped: 'the runner wraps the file in BEGIN … COMMIT',
  none: 'the file opens its own transaction',
};

/** A failure that shows only when the runner applies the pending migrations in one transaction. */
function together({ set, together: applied, replay }: CheckContext): CheckResult[] {
  const e = applied?.error;
  if (!e || replay?.steps.some((s) => s.status === 'failed' && s.file === e.file)) return [];
  const versions = applied!.versions;
  return [
    {
      file: e.file,
      line: e.line,
      message:
        `${shownFile(set.directory, e.file)} fails when the migrator applies the pending ` +
        `migrations ${versions.join(', ')} together in one transaction, ` +
        `as a deploy does: ${e.message} (SQLSTATE ${e.code}). ` +
        `Applied one at a time it passes, so only the deploy fails.`,
      help:
        e.code === '55P04'
          ? 'A new enum value cannot be used in the transaction that adds it: ' +
            'add the value in one deploy and use it in a later one (a separate ' +
            'run of the migrator), or avoid the new value in that migration.'
          : 'Make the migration work on the state the earlier pending migrations ' +
            'leave inside the same transaction, or deploy them separately.',
    },
  ];
}

export const transaction: Check = {
  id: 'transaction',
  defaultSeverity: 'error',
  summary:
    'A statement that cannot run inside a transaction (CONCURRENTLY, VACUUM, ALTER SYSTEM …) is sent inside one.',
  run(context) {
    const { replay, set, format } = context;
    const failures = (replay?.steps ?? [])
      .filter((s) => s.status === 'failed' && s.error?.kind === 'inside-transaction')
      .map((s) => {
        const e = s.error!;
        const migration = set.migrations.find((m) => sameMigration(m, s));
        const script = s.direction === 'up' ? migration?.up : migration?.down;
        let mode = script?.transaction ?? 'implicit';
        // Sent without a transaction of the runner's, but in one query with other statements:
        // Postgres runs those as one implicit transaction (the file opened none).
        const unit = script?.units.findLast((u) => e.line === null || u.line <= e.line);
        const together = mode === 'none' && unit !== undefined && splitStatements(unit.sql).length > 1;
        if (together) mode = 'implicit';
        return {
          file: e.file,
          line: e.line,
          message:
            `${e.message}: in ${shownFile(set.directory, e.file)} ${RUNNER_BEHAVIOUR[mode]}, ` +
            `so this statement fails when the migration is deployed.`,
          help: together
            ? 'Give the statement a migration file of its own, alone: sent with other statements in one query, it runs in their implicit transaction.'
            : format.noTransactionHelp,
        };
      });
    return [...formatProblems(context, 'transaction'), ...failures, ...together(context)];
  },
};
