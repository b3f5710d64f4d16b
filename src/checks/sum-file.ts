import { problemCheck } from './check.ts';

/** Reported from the checksum files read with the directory (see history/verify-sum.ts). */
export const sumFile = problemCheck(
  'sum-file',
  'error',
  'migrate-check.sum (or Atlas’ atlas.sum) is missing an entry, has a stale one, or disagrees with the files.',
);
