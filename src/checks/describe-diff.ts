import { objectDiff, splitKey, type SchemaDiff } from '../schema/diff.ts';

/** "index `public.users_email_idx`" */
export function objectName(key: string): string {
  const [kind, name] = splitKey(key);
  return `${kind} \`${name}\``;
}

/**
 * One sentence per difference, worded for the schema a step was expected to restore:
 * `left` (present now, absent before), `missing` (absent now), `changed` (with a short diff).
 */
export function describeDiff(diff: SchemaDiff, words: { left: string; missing: string; changed: string }, limit = 20): string[] {
  const lines = [
    ...diff.added.map((o) => `${objectName(o.key)} ${words.left}`),
    ...diff.removed.map((o) => `${objectName(o.key)} ${words.missing}`),
    ...diff.changed.map((c) => `${objectName(c.key)} ${words.changed}:\n${objectDiff(c)}`),
  ];
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more differences`] : lines;
}
