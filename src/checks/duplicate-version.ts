import { formatProblems, type Check } from './check.ts';

/** Two migrations with one version; the format knows what its tool then does, and says it. */
export const duplicateVersion: Check = {
  id: 'duplicate-version',
  defaultSeverity: 'error',
  summary: 'Two migrations with the same version (the tool refuses the directory, or skips one).',
  run(context) {
    return formatProblems(context, 'duplicate-version');
  },
};
