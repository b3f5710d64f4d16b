import { posix } from 'node:path';
import { shownFile } from '../migration.ts';
import { hasStatements } from '../sql/split.ts';
import type { Format, MissingDown } from '../formats/format.ts';
import type { Check, CheckResult } from './check.ts';

const IRREVERSIBLE =
  'If the change cannot be undone, write a down that says so and fails ' +
  "(e.g. `DO $$ BEGIN RAISE EXCEPTION 'irreversible'; END $$;`), or suppress this finding with a reason.";

/**
 * What rolling back a migration without a down does, as its format's tool does it (see
 * `Format.missingDown`): a warning where the runner allows it and rolls back as a no-op (as
 * for an empty down), an error where the format expects a down for every up.
 */
function missingDown(format: Format, up: MissingDown): Pick<CheckResult, 'message' | 'help' | 'severity'> {
  const told = format.missingDown?.(up) ?? {
    message:
      `${up.file} has no down migration, while other migrations in ${up.directory} ` +
      `do: a rollback has nothing to run for version ${up.version}.`,
    help: 'Write the down that undoes this up.',
  };
  return { ...told, help: `${told.help} ${IRREVERSIBLE}` };
}

/** A migration as a finding names it: its folder where it has one, else `{version}_{name}`. */
function migrationLabel(shown: string, version: string, name: string): string {
  const folder = posix.dirname(shown);
  return folder !== '.' ? folder : `${version}_${name}`;
}

/**
 * Ups without downs, downs without ups, and downs that do nothing. A directory without any
 * down is up-only by design (harbor, most Flyway projects) and is left alone.
 */
export const pairing: Check = {
  id: 'pairing',
  defaultSeverity: 'error',
  summary:
    'An up without a down (where the directory has downs), a down without an up, or an empty or comment-only down.',
  run({ set, format }) {
    if (!format.hasDowns) return [];
    const migrations = set.migrations.filter((m) => !m.code && !m.repeatable);
    const hasDowns = migrations.some((m) => m.down);
    const out: CheckResult[] = [];
    const shown = (file: string) => shownFile(set.directory, file);
    for (const m of migrations) {
      if (m.up && !m.down && hasDowns) {
        const found = missingDown(format, { file: shown(m.up.file), version: m.version, directory: set.directory });
        out.push({ ...found, file: m.up.file, line: null });
      } else if (m.down && !m.up) {
        out.push({
          file: m.down.file,
          line: null,
          message:
            `${shown(m.down.file)} is a down migration without its up ` +
            `(version ${m.version}): the up was renamed or deleted, or the down is misnamed.`,
          help: 'Give the down the same version and name as its up, or delete it if the up is gone.',
        });
      } else if (
        m.down &&
        m.up &&
        m.down.units.every((u) => !hasStatements(u.sql)) &&
        m.up.units.some((u) => hasStatements(u.sql))
      ) {
        // An empty up with an empty down is a placeholder (a version with nothing to do on this
        // database, as ory's popx keeps them): nothing to undo.
        const sql = m.down.units.map((u) => u.sql).join('');
        const told = format.emptyDown?.({ file: shown(m.down.file), sql });
        if (told) {
          out.push({ severity: 'warning', ...told, file: m.down.file, line: null });
          continue;
        }
        out.push({
          severity: 'warning',
          file: m.down.file,
          line: m.down.units[0]?.line ?? null,
          message:
            `The down of ${migrationLabel(shown(m.down.file), m.version, m.name)} is empty or holds only ` +
            `comments: rolling back reports success and changes nothing.`,
          help:
            'Write the statements that undo the up, or make the ' +
            'down fail on purpose if the change is irreversible.',
        });
      }
    }
    return out;
  },
};
