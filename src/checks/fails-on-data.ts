import { shownFile } from '../migration.ts';
import { codeOnly } from '../sql/split.ts';
import { statementAt } from './statement-at.ts';
import type { Check } from './check.ts';
import type { StepError } from '../execute.ts';

const on = (e: StepError) => (e.table ? `\`${e.table}\`` : 'the table');
const col = (e: StepError) =>
  e.table && e.columnName
    ? `\`${e.table.replace(/^public\./, '')}.${e.columnName}\``
    : e.columnName
      ? `\`${e.columnName}\``
      : 'a column';

/** An `ADD COLUMN` of `column` that is NOT NULL, with no DEFAULT (nothing to fill the rows already there). */
function addsRequiredColumn(statement: string | null, column: string | undefined): boolean {
  if (!statement || !column) return false;
  const flat = codeOnly(statement);
  const name = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const add = new RegExp(`\\bADD\\s+(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?"?${name}"?\\s([^,]*)`, 'i').exec(flat);
  return Boolean(add && /\bNOT\s+NULL\b/i.test(add[1]!) && !/\bDEFAULT\b/i.test(add[1]!));
}

/** Whether the statement changes a column's type (else a value out of range or of the wrong text is one it computes). */
const retypes = (statement: string | null) =>
  statement === null || /^ALTER\s+TABLE\b.*\bTYPE\b/i.test(codeOnly(statement));

/** The kind of row that broke the statement, and the usual fix, by SQLSTATE. */
function explain(e: StepError, statement: string | null): { when: string; help: string; anyRow?: true } {
  switch (e.code) {
    case '23502':
      if (addsRequiredColumn(statement, e.columnName))
        return {
          when: `fails as soon as ${on(e)} has a row: it adds ${col(e)} as NOT NULL with no DEFAULT, so every row already there has it NULL`,
          help:
            'Give the column a DEFAULT (the rows already there take it; Postgres 11 and newer store it without a rewrite), ' +
            'or add it nullable, backfill it, then SET NOT NULL.',
          anyRow: true,
        };
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
      if (!retypes(statement))
        return {
          when: 'fails when a value holds text that is not of the type it is cast to (such as `12abc` or an empty string)',
          help: 'Convert only the values that parse (a CASE, or a WHERE that matches them), or clean the values first.',
        };
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
      if (!retypes(statement))
        return {
          when: 'fails when a value it computes from the rows is out of range for its type',
          help: 'Check the range of what it computes on the largest values (an `+ 1`, a product, a cast), or compute it in a wider type.',
        };
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
        const { when, help, anyRow } = explain(e, statementAt(set, s.file, e.line));
        return {
          file: e.file,
          line: e.line,
          message:
            `The ${s.direction} of ${shownFile(set.directory, s.file)} passes on empty tables but ${when}: ` +
            `${e.message} (SQLSTATE ${e.code}). ` +
            (anyRow
              ? 'Any production table that is not empty fails the same way.'
              : s.seedFiles?.length
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
