import type { Mismatch } from '../replay.ts';
import type { Check } from './check.ts';
import { columnMoves, type ColumnMove } from './describe-diff.ts';

const list = (items: string[]) =>
  items.length < 3 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** What the two schemas of a mismatch are, for "was column 3 of 5 <before> and is column 5 of 5 <after>". */
function moments(m: Mismatch): { before: string; after: string } {
  if (m.kind === 'down-reverts-up') {
    return m.version === null
      ? { before: 'before the first up', after: 'after every down' }
      : { before: `before ${m.version}'s up`, after: 'after its down' };
  }
  return m.version === null
    ? { before: 'after every up', after: 'after every down and up again' }
    : { before: `after ${m.version}'s up`, after: 'when it is applied again after its down' };
}

/** "`public.users.email` was column 3 of 5 before 0004's up and is column 5 of 5 after its down" */
function sentence(move: ColumnMove, when: { before: string; after: string }): string {
  const names = move.columns.map((c) => `\`${move.relation}.${c.name}\``);
  const one = move.columns.length === 1;
  const before = list(move.columns.map((c) => String(c.before)));
  const after = list(move.columns.map((c) => String(c.after)));
  return (
    `${list(names)} ${one ? 'was column' : 'were columns'} ${before} of ${move.beforeCount} ${when.before} ` +
    `and ${one ? 'is column' : 'are columns'} ${after} of ${move.afterCount} ${when.after}`
  );
}

/**
 * Columns that come back in another place. A down that re-adds a dropped column puts it last,
 * so the table has the same columns in another order: not a difference `down-reverts-up`
 * reports, but one that code relying on column order sees.
 */
export const columnOrder: Check = {
  id: 'column-order',
  defaultSeverity: 'warning',
  summary: 'A down (or a second up) leaves a table with its columns in another order.',
  run({ replay }) {
    return (replay?.mismatches ?? []).flatMap((m) => {
      const moves = columnMoves(m.diff);
      if (moves.length === 0) return [];
      const when = moments(m);
      const after = m.kind === 'down-reverts-up' ? 'this rollback' : 'a rollback and a redeploy';
      return [
        {
          file: m.file,
          line: null,
          message:
            moves.map((move) => `${sentence(move, when)}.`).join('\n') +
            '\nColumn order is what `SELECT *` returns and what `INSERT … VALUES` and `COPY` without a column ' +
            'list, and ORMs that map columns by position, rely on: ' +
            `after ${after} they get the columns in another order.`,
          help:
            m.kind === 'down-reverts-up'
              ? 'Name the columns in every INSERT, COPY and SELECT that touches the table, or rebuild the table ' +
                'in its original column order in the down; otherwise suppress this finding.'
              : 'Make the down remove what the up adds in the reverse order, so that applying the up again adds ' +
                'the columns in the same order.',
        },
      ];
    });
  },
};
