import { shownFile } from '../migration.ts';
import type { Check, CheckResult } from './check.ts';
import { excerpt, judgedSteps, tableLocks } from './lock-hazards.ts';

export const lockTimeout: Check = {
  id: 'lock-timeout',
  defaultSeverity: 'off',
  summary: 'A migration takes ACCESS EXCLUSIVE on an existing table without setting lock_timeout first.',
  run({ set, replay }) {
    const results: CheckResult[] = [];
    for (const step of judgedSteps(replay?.steps)) {
      const statement = step.statements.find(
        (s) => s.lockTimeout === '0' && tableLocks(s).some((l) => l.mode === 'AccessExclusiveLock'),
      );
      if (!statement) continue;
      const table = tableLocks(statement).find((l) => l.mode === 'AccessExclusiveLock')!.relation;
      results.push({
        file: step.file,
        line: statement.line,
        message:
          `${excerpt(statement)} in the ${step.direction} of ${shownFile(set.directory, step.file)} ` +
          `takes ACCESS EXCLUSIVE on \`${table}\` with no lock_timeout: ` +
          'behind one long-running query it waits without limit, and every query on the table queues behind it.',
        help:
          "Start the migration with `SET lock_timeout = '2s'` (or your " +
          "runner's equivalent) and retry the deploy when it times out.",
      });
    }
    return results;
  },
};
