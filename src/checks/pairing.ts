import { basename } from 'node:path';
import { hasStatements } from '../formats/sql-split.ts';
import type { Check, CheckResult } from './check.ts';

/** Formats where a migration may have a down (goose, dbmate and sql-migrate keep it in the same file). */
const WITH_DOWNS = new Set(['golang-migrate', 'goose', 'dbmate', 'flyway', 'sqlx', 'sql-migrate', 'custom']);

const IRREVERSIBLE =
  'If the change cannot be undone, write a down that says so and fails ' +
  "(e.g. `DO $$ BEGIN RAISE EXCEPTION 'irreversible'; END $$;`), or suppress this finding with a reason.";

/**
 * What rolling back a migration without a down does, as each runner does it: a warning where
 * the runner allows it and rolls back as a no-op (as for an empty down), an error where the
 * format expects a down for every up.
 */
function missingDown(
  format: string,
  file: string,
  version: string,
  directory: string,
): Pick<CheckResult, 'message' | 'help' | 'severity'> {
  const others = `while other migrations in ${directory} do`;
  const keeps = 'so the schema keeps what its up did while the version says it is gone';
  switch (format) {
    case 'goose':
      // goose's parser allows a file without Down (goose calls it optional); `goose down` runs
      // no statement for it and deletes its version row.
      return {
        severity: 'warning',
        message:
          `${file} has no \`-- +goose Down\` section: \`goose down\` records the rollback of version ${version} ` +
          `but changes nothing, ${keeps}.`,
        help: `Add a \`-- +goose Down\` section that undoes the up. ${IRREVERSIBLE}`,
      };
    case 'golang-migrate':
      // migrate.go newMigration: a missing down file becomes an "empty" migration that only sets the version.
      return {
        message:
          `${file} has no down migration, ${others}: \`migrate down\` runs nothing for version ${version} ` +
          `and still records it as rolled back, ${keeps}.`,
        help: `Write \`${file.replace(/\.up\.sql$/, '.down.sql')}\` to undo this up. ${IRREVERSIBLE}`,
      };
    case 'dbmate':
      return {
        message:
          `${file} has no \`-- migrate:down\` block: dbmate (2.0 and later) refuses the file, for \`dbmate up\` ` +
          `as well as for \`dbmate rollback\` ("dbmate requires each migration to define a down block with ` +
          `'-- migrate:down'").`,
        help: `Add \`-- migrate:down\` after the up block, with the SQL that undoes it. ${IRREVERSIBLE}`,
      };
    case 'sqlx':
      // Migrator::undo runs only down migrations: a version without one is skipped and stays applied.
      return {
        message:
          `${file} has no \`.down.sql\`, ${others}: sqlx reverts only migrations that have one, so a revert ` +
          `skips version ${version}, which stays recorded as applied with its changes in place.`,
        help: `Write \`${file.replace(/\.up\.sql$/, '.down.sql')}\` to undo this up. ${IRREVERSIBLE}`,
      };
    case 'flyway':
      return {
        message:
          `${file} has no undo migration (\`U${version}__….sql\`), ${others}: \`flyway undo\` has nothing ` +
          `to run for version ${version}, so a rollback cannot go past it.`,
        help: `Write the \`U${version}__\` file that undoes this migration. ${IRREVERSIBLE}`,
      };
    default:
      return {
        message: `${file} has no down migration, ${others}: a rollback has nothing to run for version ${version}.`,
        help: `Write the down that undoes this up. ${IRREVERSIBLE}`,
      };
  }
}

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
        const found = missingDown(set.format, basename(m.up.file), m.version, set.directory);
        out.push({ ...found, file: m.up.file, line: null });
      } else if (m.down && !m.up) {
        out.push({
          file: m.down.file,
          line: null,
          message: `${basename(m.down.file)} is a down migration without its up (version ${m.version}): the up was renamed or deleted, or the down is misnamed.`,
          help: 'Give the down the same version and name as its up, or delete it if the up is gone.',
        });
      } else if (m.down && m.up && m.down.units.every((u) => !hasStatements(u.sql)) && m.up.units.some((u) => hasStatements(u.sql))) {
        // An empty up with an empty down is a placeholder (a version with nothing to do on this
        // database, as ory's popx keeps them): nothing to undo.
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
