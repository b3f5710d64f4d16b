import { shownFile } from '../migration.ts';
import type { Check } from './check.ts';

export const dataLost: Check = {
  id: 'data-lost',
  defaultSeverity: 'warning',
  summary:
    'A down migration restores the schema but not the values: rows ' +
    'or columns that existed before the up come back empty or changed.',
  run({ set, replay }) {
    return (replay?.dataLoss ?? []).flatMap(({ file, losses }) =>
      losses.map((l) => {
        const what =
          l.column === null
            ? `${l.lost.toLocaleString('en-US')} rows of \`${l.table}\` are gone`
            : `${l.exact ? '' : 'at least '}${l.lost.toLocaleString('en-US')} values of ` +
              `\`${l.table}.${l.column}\` ${l.kind === 'lost' ? 'are lost (NULL or missing)' : 'are changed'}`;
        return {
          file,
          line: null,
          message:
            `After up then ${shownFile(set.directory, file)}, ${what}, compared with the rows before ` +
            `the up (fingerprints hashed in the server). A rollback would lose that data.`,
          help:
            l.kind === 'changed'
              ? 'Make the down convert the values back exactly (or keep the old column until the change is final).'
              : 'Keep the data the up removes (rename the column or table instead of dropping it, or copy it ' +
                'aside) so the down can put it back; if the loss is accepted, suppress this with the reason.',
        };
      }),
    );
  },
};
