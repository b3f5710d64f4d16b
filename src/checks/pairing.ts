import { basename } from 'node:path';
import { hasStatements } from '../formats/sql-split.ts';
import type { Check, CheckResult } from './check.ts';

/** Formats where a migration may have a down (goose, dbmate and sql-migrate keep it in the same file). */
const WITH_DOWNS = new Set(['golang-migrate', 'goose', 'dbmate', 'flyway', 'sqlx', 'sql-migrate', 'custom']);

/**
 * Ups without downs, downs without ups, and downs that do nothing. A directory without any
 * down is up-only by design (harbor, most Flyway projects) and is left alone.
 */
export const pairing: Check = {
  id: 'pairing',
  defaultSeverity: 'error',
  summary: 'An up without a down (where the directory has downs), a down without an up, or an empty or comment-only down.',
  run({ set }) {
    if (!WITH_DOWNS.has(set.format)) return [];
    const migrations = set.migrations.filter((m) => !m.code && !m.repeatable);
    const hasDowns = migrations.some((m) => m.down);
    const out: CheckResult[] = [];
    for (const m of migrations) {
      if (m.up && !m.down && hasDowns) {
        out.push({
          file: m.up.file,
          line: null,
          message: `${basename(m.up.file)} has no down migration, while other migrations in ${set.directory} do: rolling back past version ${m.version} is impossible.`,
          help: 'Write the down that undoes this up. If the change cannot be undone, write a down that says so and fails (e.g. `DO $$ BEGIN RAISE EXCEPTION \'irreversible\'; END $$;`), or suppress this finding with a reason.',
        });
      } else if (m.down && !m.up) {
        out.push({
          file: m.down.file,
          line: null,
          message: `${basename(m.down.file)} is a down migration without its up (version ${m.version}): the up was renamed or deleted, or the down is misnamed.`,
          help: 'Give the down the same version and name as its up, or delete it if the up is gone.',
        });
      } else if (m.down && m.up && m.down.units.every((u) => !hasStatements(u.sql))) {
        out.push({
          severity: 'warning',
          file: m.down.file,
          line: m.down.units[0]?.line ?? null,
          message: `The down of ${m.version}_${m.name} is empty or holds only comments: rolling back reports success and changes nothing.`,
          help: 'Write the statements that undo the up, or make the down fail on purpose if the change is irreversible.',
        });
      }
    }
    return out;
  },
};
