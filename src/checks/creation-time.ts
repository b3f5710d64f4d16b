import type { Migration, MigrationSet } from '../migration.ts';
import type { ChangedObject, SchemaDiff } from '../schema/diff.ts';
import type { Check, CheckResult } from './check.ts';
import { objectName } from './describe-diff.ts';

/**
 * `'now'::timestamp`, `timestamp 'now'`, `'today'::date`, `DEFAULT 'now'` …: a special date/time
 * input that Postgres turns into a constant when it parses the statement, so a view, default or
 * check written with it keeps the moment it was created.
 */
const SPECIAL = String.raw`'(?:now|today|tomorrow|yesterday)'`;
const TYPE = String.raw`(?:timestamp(?:tz)?|date|time(?:tz)?)(?:\s+with(?:out)?\s+time\s+zone)?`;
const CREATION_TIME = new RegExp(
  [
    String.raw`${SPECIAL}\s*::\s*${TYPE}`,
    String.raw`\b${TYPE}\s+${SPECIAL}`,
    String.raw`\bdefault\s+${SPECIAL}`,
    String.raw`\bcast\s*\(\s*${SPECIAL}\s+as\s+${TYPE}`,
  ].join('|'),
  'i',
);
/** How the catalog shows such a constant: `'2024-01-01 10:00:00.123456'::timestamp without time zone`. */
const FROZEN =
  /'\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}(?::\d{2})?)?)?'::(?:timestamp|date|time)\b/g;

/** The first creation-time literal in a migration's up, with its line, or null. */
function creationLiteral(m: Migration): { text: string; line: number } | null {
  for (const unit of m.up?.units ?? []) {
    const found = CREATION_TIME.exec(unit.sql);
    if (found) return { text: found[0], line: unit.line + unit.sql.slice(0, found.index).split('\n').length - 1 };
  }
  return null;
}

/** Whether any migration of the set writes a creation-time literal. */
export function writesCreationTime(set: MigrationSet): boolean {
  return set.migrations.some((m) => creationLiteral(m) !== null);
}

/** Whether two definitions differ only in the constants Postgres froze at creation time. */
export function onlyCreationTime(change: ChangedObject): boolean {
  const thaw = (def: string) => def.replace(FROZEN, "'…'::time");
  return change.before !== change.after && thaw(change.before) === thaw(change.after);
}

/**
 * The diff without the objects that differ only in their frozen creation times, where the set
 * writes such literals: each replay creates them anew, so their times always differ, and
 * `creation-time` reports the cause once.
 */
export function withoutCreationTime(diff: SchemaDiff, set: MigrationSet): SchemaDiff {
  if (!writesCreationTime(set)) return diff;
  const changed = diff.changed.filter((c) => !onlyCreationTime(c));
  return { ...diff, changed, equal: diff.added.length + diff.removed.length + changed.length === 0 };
}

/** The bare name of an object key's last part: `view public.recent_posts` → `recent_posts`. */
const bareName = (key: string) => key.split(/[ .]/).at(-1)!.replace(/"/g, '');

export const creationTime: Check = {
  id: 'creation-time',
  defaultSeverity: 'warning',
  summary: "A definition written with `'now'::timestamp` (or `timestamp 'now'`) keeps the time it was created.",
  run({ set, replay }) {
    if (!replay) return [];
    // The objects whose stored definition holds a frozen time, in the final schema or in any up's changes.
    const frozen = new Map<string, string>();
    for (const [key, def] of replay.head) if (def.match(FROZEN)) frozen.set(key, def);
    for (const diff of replay.changes.values()) {
      for (const o of [...diff.added.map((a) => ({ key: a.key, def: a.def })), ...diff.changed])
        if ('def' in o ? o.def.match(FROZEN) : o.after.match(FROZEN)) frozen.set(o.key, 'def' in o ? o.def : o.after);
    }
    const reported = new Set<string>();
    const out: CheckResult[] = [];
    for (const m of set.migrations) {
      const literal = creationLiteral(m);
      if (!literal || !m.up) continue;
      const sql = m.up.units.map((u) => u.sql).join('\n');
      const objects = [...frozen.keys()].filter(
        (key) => !reported.has(key) && new RegExp(`\\b${bareName(key).replace(/\W/g, '\\$&')}\\b`, 'i').test(sql),
      );
      // A later migration that writes the same literal into an object already reported adds nothing.
      if (objects.length === 0 && [...reported].some((key) => sql.includes(bareName(key)))) continue;
      for (const key of objects) reported.add(key);
      const what = objects.length ? objects.map(objectName).join(', ') : 'the definition it creates';
      out.push({
        file: m.up.file,
        line: literal.line,
        message:
          `${what} compares against the time it was created, not the current time: \`${literal.text}\` is ` +
          'evaluated once, when the statement runs, and stored as that moment' +
          (objects.length ? ` (${frozen.get(objects[0]!)!.match(FROZEN)![0]})` : '') +
          '. Every deploy (and every replay) stores another time, so the schema differs each time it is ' +
          'created; the down-reverts-up and up-repeatable comparisons leave that difference aside.',
        help: "Use now() (or CURRENT_TIMESTAMP, CURRENT_DATE), which is evaluated each time, instead of 'now'.",
      });
    }
    return out;
  },
};
