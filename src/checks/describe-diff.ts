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

/**
 * One sentence per difference, worded for the schema a step was expected to restore:
 * `left` (present now, absent before), `missing` (absent now), `changed` (with a short diff).
 */
export function describeDiff(diff: SchemaDiff, words: { left: string; missing: string; changed: string }, limit = 20): string[] {
  const lines = [
    ...diff.added.map((o) => `${objectName(o.key)} ${words.left}`),
    ...diff.removed.map((o) => `${objectName(o.key)} ${words.missing}`),
    ...diff.changed.filter((c) => !explainedByColumns(c)).map((c) => `${objectName(c.key)} ${words.changed}:\n${objectDiff(c)}`),
  ];
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more differences`] : lines;
}
