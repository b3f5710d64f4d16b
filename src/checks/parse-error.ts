import { problemCheck } from './check.ts';

export const parseError = problemCheck(
  'parse-error',
  'error',
  'The migration tool itself would refuse a file (a missing section marker, ' +
    'an unterminated statement block, a journal entry without its file).',
);
