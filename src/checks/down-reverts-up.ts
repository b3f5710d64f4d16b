import { shownMigrationFile } from '../migration.ts';
import type { Check } from './check.ts';
import { withoutCreationTime } from './creation-time.ts';
import { describeDiff } from './describe-diff.ts';

export const downRevertsUp: Check = {
  id: 'down-reverts-up',
  defaultSeverity: 'error',
  summary: 'A down migration does not restore the schema from before its up.',
  run({ set, replay }) {
    return (replay?.mismatches ?? [])
      .filter((m) => m.kind === 'down-reverts-up')
      .flatMap((m) => {
        const who =
          m.version === null ? 'running every down after every up' : shownMigrationFile(set, m.version, m.file);
        const lines = describeDiff(withoutCreationTime(m.diff, set), {
          left: `is left behind by ${who}`,
          missing: `is missing after ${who} (it existed before the up)`,
          changed: `is not restored by ${who}`,
        });
        // A schema that differs only in column order is column-order's finding.
        if (lines.length === 0) return [];
        return {
          file: m.file,
          line: null,
          message: lines.join('\n'),
          help:
            m.version === null
              ? 'Run with --roundtrip per-migration to find the migration whose down is incomplete.'
              : 'Make the down migration undo exactly what the up does: drop ' +
                'what it creates, recreate what it drops, restore what it alters.',
        };
      });
  },
};
