import { problemCheck } from './check.ts';

export const partialReplay = problemCheck(
  'partial-replay',
  'warning',
  'A migration written in code (goose Go migrations) that a SQL replay cannot run; the replay goes on without it.',
);
