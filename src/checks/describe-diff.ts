import { objectDiff, splitKey, type ChangedObject, type SchemaDiff } from '../schema/diff.ts';

/** "index `public.users_email_idx`" */
export function objectName(key: string): string {
  const [kind, name] = splitKey(key);
  return `${kind} \`${name}\``;
}

const columnsOf = (def: string) => /^columns (.*)$/m.exec(def)?.[1]?.split(', ') ?? [];
const withoutColumns = (def: string) => def.replace(/^columns .*$/m, '');

/**
 * A relation whose only change is its column list, when that change is just columns added
 * or removed (each reported on its own), says nothing new. A reordering still counts.
 */
function explainedByColumns(change: ChangedObject): boolean {
  if (withoutColumns(change.before) !== withoutColumns(change.after)) return false;
  const before = columnsOf(change.before);
  const after = columnsOf(change.after);
  const kept = (list: string[], other: string[]) => list.filter((c) => other.includes(c)).join(', ');
  return kept(before, after) === kept(after, before) && before.join() !== after.join();
}

const RELATIONS = new Set(['table', 'view', 'materialized view', 'foreign table']);
const PARTS = new Set(['column', 'constraint', 'trigger', 'policy']);

/** Drops the columns, constraints, triggers and policies of a relation that is itself listed. */
function withoutParts<T extends { key: string }>(objects: readonly T[]): T[] {
  const relations = objects.map((o) => splitKey(o.key)).filter(([kind]) => RELATIONS.has(kind)).map(([, name]) => `${name}.`);
  return objects.filter((o) => {
    const [kind, name] = splitKey(o.key);
    return !(PARTS.has(kind) && relations.some((r) => name.startsWith(r)));
  });
}

/**
 * One sentence per difference, worded for the schema a step was expected to restore:
 * `left` (present now, absent before), `missing` (absent now), `changed` (with a short diff).
 */
export function describeDiff(diff: SchemaDiff, words: { left: string; missing: string; changed: string }, limit = 20): string[] {
  const lines = [
    ...withoutParts(diff.added).map((o) => `${objectName(o.key)} ${words.left}`),
    ...withoutParts(diff.removed).map((o) => `${objectName(o.key)} ${words.missing}`),
    ...diff.changed.filter((c) => !explainedByColumns(c)).map((c) => `${objectName(c.key)} ${words.changed}:\n${objectDiff(c)}`),
  ];
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more differences`] : lines;
}
