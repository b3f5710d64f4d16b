import { formatProblems, type Check } from './check.ts';

export const parseError: Check = {
  id: 'parse-error',
  defaultSeverity: 'error',
  summary: 'The migration tool itself would refuse a file (a missing section marker, an unterminated statement block, a journal entry without its file).',
  run(context) {
    return formatProblems(context, 'parse-error');
  },
};
