import { shownMigrationFile } from '../migration.ts';
import type { Check } from './check.ts';
import { withoutCreationTime } from './creation-time.ts';
import { describeDiff } from './describe-diff.ts';

export const upRepeatable: Check = {
  id: 'up-repeatable',
  defaultSeverity: 'error',
  summary: 'An up migration fails, or builds a different schema, when applied again after its down.',
  run({ set, replay }) {
    const failed = (replay?.steps ?? [])
      .filter((s) => s.status === 'failed' && s.error?.kind === 'not-repeatable')
      .map((s) => ({
        file: s.error!.file,
        line: s.error!.line,
        message:
          `${shownMigrationFile(set, s.version, s.file)} applies once but fails when applied again after its down: ` +
          `${s.error!.message} ` +
          `(SQLSTATE ${s.error!.code}). The down leaves something behind that the up cannot create twice.`,
        help:
          'Make the down migration remove everything the up creates, ' +
          'so that down then up works (rollback and redeploy).',
      }));
    const different = (replay?.mismatches ?? [])
      .filter((m) => m.kind === 'up-repeatable')
      .map((m) => ({
        file: m.file,
        line: null,
        lines: describeDiff(withoutCreationTime(m.diff, set), {
          left: `appears only when ${shownMigrationFile(set, m.version, m.file)} is applied a second time`,
          missing: `is not created again when ${shownMigrationFile(set, m.version, m.file)} is applied a second time`,
          changed: `differs when ${shownMigrationFile(set, m.version, m.file)} is applied a second time`,
        }),
      }))
      // A schema that differs only in column order is column-order's finding.
      .filter((m) => m.lines.length > 0)
      .map((m) => ({
        file: m.file,
        line: null,
        message: m.lines.join('\n'),
        help:
          'Make the up migration produce the same schema every time it runs ' +
          'after its down; check objects it only creates "IF NOT EXISTS".',
      }));
    return [...failed, ...different];
  },
};
