import { problemCheck } from './check.ts';

/** Two migrations with one version; the format knows what its tool then does, and says it. */
export const duplicateVersion = problemCheck(
  'duplicate-version',
  'error',
  'Two migrations with the same version (the tool refuses the directory, or skips one).',
);
