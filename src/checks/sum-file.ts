import { formatProblems, type Check } from './check.ts';

/** Reported from the checksum files read with the directory (see history/verify-sum.ts). */
export const sumFile: Check = {
  id: 'sum-file',
  defaultSeverity: 'error',
  summary: 'migrate-check.sum (or Atlas’ atlas.sum) is missing an entry, has a stale one, or disagrees with the files.',
  run(context) {
    return formatProblems(context, 'sum-file');
  },
};
