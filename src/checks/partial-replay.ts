import { formatProblems, type Check } from './check.ts';

export const partialReplay: Check = {
  id: 'partial-replay',
  defaultSeverity: 'warning',
  summary: 'A migration written in code (goose Go migrations) that a SQL replay cannot run; the replay goes on without it.',
  run(context) {
    return formatProblems(context, 'partial-replay');
  },
};
