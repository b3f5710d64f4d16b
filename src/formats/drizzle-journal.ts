import { InputError } from '../errors.ts';

/** One entry of drizzle-kit's `meta/_journal.json`, as drizzle-orm's migrator reads it. */
export interface JournalEntry {
  idx?: unknown;
  when?: unknown;
  tag: string;
}

/** The journal's entries, in the order the migrator applies them (the list's, not `idx`'s). */
export function readJournal(text: string, where: string): JournalEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${where} is not valid JSON (${(error as Error).message}). Regenerate ` +
        `it with \`drizzle-kit generate\` or fix the merge conflict in it.`,
    );
  }
  const entries = (raw as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries) || entries.some((e) => typeof e?.tag !== 'string')) {
    throw new InputError(`${where} has no \`entries\` list of { tag, when }: it is not a drizzle-kit journal.`);
  }
  return entries as JournalEntry[];
}

/**
 * An entry's `when` as the migrator uses it: compared with `Number(created_at)` of the last
 * applied row, then inserted into `created_at bigint`. A number or a string of digits works;
 * anything else is what goes wrong, in the words of the finding.
 */
export function journalTime(when: unknown): number | string {
  if (typeof when === 'number' && Number.isSafeInteger(when)) return when;
  if (typeof when === 'string' && /^-?\d+$/.test(when) && Number.isSafeInteger(Number(when))) return Number(when);
  if (when === undefined) {
    return (
      'it has no `when`: on a new database the migrator fails recording it (the insert into ' +
      '__drizzle_migrations has no value, a syntax error) and applies nothing; on a migrated one it skips it'
    );
  }
  if (when === null) {
    return (
      '`when` is null: the migrator records it with created_at NULL, takes that row ' +
      'for the latest from then on, and applies every migration again on the next deploy'
    );
  }
  return (
    `\`when\` is ${JSON.stringify(when)}, not an integer: the migrator ` +
    `fails recording it in created_at (bigint) and applies nothing`
  );
}
