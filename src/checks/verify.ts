import { shownFile } from '../migration.ts';
import type { Check, CheckResult } from './check.ts';

/**
 * A verify script (sqitch's `verify/`) that fails after its change deployed: the change may have
 * applied without doing what it claims, and `sqitch deploy --verify` reverts it and stops there.
 */
export const verify: Check = {
  id: 'verify',
  defaultSeverity: 'error',
  summary: "A migration's verify script fails after its up applied.",
  run({ set, replay }) {
    const out: CheckResult[] = [];
    const seen = new Set<string>();
    for (const f of replay?.verifyFailures ?? []) {
      if (seen.has(f.version)) continue;
      seen.add(f.version);
      const up = set.migrations.find((m) => m.version === f.version)?.up?.file;
      const after = f.attempt === 2 ? ' applied again after its revert' : '';
      out.push({
        file: f.error.file || f.file,
        line: f.error.line,
        message:
          `${shownFile(set.directory, f.file)} fails after ${up ? shownFile(set.directory, up) : f.version}` +
          `${after}${f.error.line === null ? '' : ` (line ${f.error.line})`}: ${f.error.message} ` +
          `(SQLSTATE ${f.error.code}). \`sqitch deploy --verify\` reverts the change and stops there; ` +
          '`sqitch verify` reports it as failed.',
        help:
          'Make the deploy script create what the verify script checks, or fix the verify script ' +
          '(it runs on the database just after the deploy).',
      });
    }
    return out;
  },
};
