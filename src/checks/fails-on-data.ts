import { shownFile } from '../migration.ts';
import type { Check } from './check.ts';
import type { StepError } from '../execute.ts';

const on = (e: StepError) => (e.table ? `\`${e.table}\`` : 'the table');
const col = (e: StepError) =>
  e.table && e.columnName
    ? `\`${e.table.replace(/^public\./, '')}.${e.columnName}\``
    : e.columnName
      ? `\`${e.columnName}\``
      : 'a column';

/** The kind of row that broke the statement, and the usual fix, by SQLSTATE. */
function explain(e: StepError): { when: string; help: string } {
  switch (e.code) {
    case '23502':
      return {
        when: `fails when any ${col(e)} is NULL`,
        help: 'Backfill the column (UPDATE … SET … WHERE … IS NULL) before SET NOT NULL, or add it with a DEFAULT.',
      };
    case '23505':
      return {
        when:
          `fails when ${on(e)} holds duplicates${e.constraint ? ` for \`${e.constraint}\`` : ''}` +
          `${e.detail ? ` (${e.detail.replace(/\.$/, '')})` : ''}`,
        help:
          'Remove or merge the duplicate rows first (in an earlier ' +
          'migration or a backfill), then add the unique constraint or index.',
      };
    case '23514':
      return {
        when: `fails when a row of ${on(e)} breaks the check${e.constraint ? ` \`${e.constraint}\`` : ''}`,
        help:
          'Add the check with NOT VALID (new rows are checked at once), ' +
          'fix the old rows, then VALIDATE CONSTRAINT in a later migration.',
      };
    case '23503':
      return {
        when:
          `fails when ${on(e)} has rows that reference nothing${e.constraint ? ` (\`${e.constraint}\`)` : ''}` +
          `${e.detail ? `: ${e.detail.replace(/\.$/, '')}` : ''}`,
        help:
          'Delete or fix the orphan rows first, or add the foreign ' +
          'key with NOT VALID and VALIDATE it after the cleanup.',
      };
    case '22P02':
      return {
        when: 'fails when the column holds text that is not of the new type (such as `12abc` or an empty string)',
        help:
          'Give the conversion a USING expression that handles such text (e.g. `USING ' +
          "CASE WHEN code ~ '^\\d+$' THEN code::integer END`), or clean the values first.",
      };
    case '22001':
      return {
        when: 'fails when a value is longer than the new type allows',
        help: 'Shorten or reject the long values first, or keep the longer type.',
      };
    case '22003':
      return {
        when: 'fails when a value is out of range for the new type',
        help: 'Check the range of the existing values first, or choose a type that holds them.',
      };
    default:
      return {
        when: 'fails on rows the old schema allows',
        help: 'Make the migration handle the rows that are already in the table (backfill or clean them first).',
      };
  }
}

export const failsOnData: Check = {
  id: 'fails-on-data',
  defaultSeverity: 'warning',
  summary: 'A migration passes on empty tables and fails on rows the schema before it allows.',
  run({ set, replay }) {
    return (replay?.steps ?? [])
      .filter((s) => s.failedOnData)
      .map((s) => {
        const e = s.failedOnData!;
        const { when, help } = explain(e);
        return {
          file: e.file,
          line: e.line,
          message:
            `The ${s.direction} of ${shownFile(set.directory, s.file)} passes on empty tables but ${when}: ` +
            `${e.message} (SQLSTATE ${e.code}). ` +
            (s.seedFiles?.length
              ? `The rows came from your seed file${s.seedFiles.length > 1 ? 's' : ''} ${s.seedFiles.join(', ')} ` +
                '(and generated rows where they give none), so production rows like them will do the same.'
              : 'The generated rows are ones the schema before it allows, so production rows may do the same.') +
            (s.halfApplied
              ? ' It runs outside a transaction, and its statements before the failing one stayed applied: ' +
                'a deploy that fails so is left half-applied, and running it again fails on what it already made.'
              : ''),
          help: s.halfApplied
            ? `${help} Make each statement safe to run again (IF NOT EXISTS, IF EXISTS), or split the migration so that a failure leaves nothing half-done.`
            : help,
        };
      });
  },
};
