import { posix } from 'node:path';
import type { Check, CheckResult } from './check.ts';

/**
 * A new migration that sorts before a migration already on the base branch. Where the base is
 * deployed, the runner has moved past that version: golang-migrate, sqlx and dbmate skip the new
 * migration silently (or apply it out of order), goose and Flyway refuse it. Flyway's repeatable
 * migrations have no version: they run after the versioned ones whenever they are new or changed,
 * so they neither sort before others nor count as the newest.
 */
export const versionOrder: Check = {
  id: 'version-order',
  defaultSeverity: 'error',
  summary: 'A new migration whose version sorts at or below the newest migration on the base branch.',
  run({ set, history }) {
    if (!history) return [];
    const present = history.entries.filter((e) => e.status !== 'deleted' && !e.repeatable);
    const lastBase = present.map((e) => e.status !== 'new').lastIndexOf(true);
    if (lastBase < 0) return [];
    const newest = present[lastBase]!;
    const out: CheckResult[] = [];
    present.slice(0, lastBase).forEach((e) => {
      if (e.status !== 'new' || e.files.length === 0) return;
      out.push({
        file: posix.join(set.directory, e.files[0]!),
        line: null,
        message:
          `${e.files[0]} is new, but version ${e.version} sorts before ${newest.files[0] ?? newest.version} ` +
          `(version ${newest.version}), which is already on ${history.base.ref}: ` +
          `where the base is deployed, ${set.format} will skip it or refuse it.`,
        help:
          `Renumber it above ${newest.version} (create it again ` +
          `with your tool's generator after merging the base branch).`,
      });
    });
    return out;
  },
};
