import { formatProblems, type Check } from './check.ts';

/**
 * Files the runner would silently skip or misread. The format decides (it knows its tool's
 * rules) and records them while reading the directory; this check reports them.
 */
export const naming: Check = {
  id: 'naming',
  defaultSeverity: 'error',
  summary: 'A file that looks like a migration, but that the runner will never run (bad name, not in the journal, a leftover copy).',
  run(context) {
    return formatProblems(context, 'naming');
  },
};
