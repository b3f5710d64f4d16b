import { createTwoFilesPatch } from 'diff';
import { splitKey, type SchemaDiff } from './diff.ts';
import { schemaText, type Schema } from './snapshot.ts';

/** The kinds a schema summary counts, in the order people read them. */
export const SUMMARY_KINDS = [
  'table',
  'column',
  'index',
  'constraint',
  'view',
  'materialized view',
  'function',
  'procedure',
  'trigger',
  'type',
  'enum',
  'domain',
  'sequence',
  'extension',
  'policy',
  'schema',
] as const;

export interface KindSummary {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Objects added, removed and changed, per kind (other kinds under `other`), names sorted. */
export type SchemaSummary = Record<string, KindSummary>;

export function summarizeDiff(diff: SchemaDiff): SchemaSummary {
  const out: SchemaSummary = {};
  const add = (key: string, field: keyof KindSummary) => {
    const [kind, name] = splitKey(key);
    const bucket = (SUMMARY_KINDS as readonly string[]).includes(kind) ? kind : 'other';
    (out[bucket] ??= { added: [], removed: [], changed: [] })[field].push(bucket === 'other' ? key : name);
  };
  diff.added.forEach((o) => add(o.key, 'added'));
  diff.removed.forEach((o) => add(o.key, 'removed'));
  diff.changed.forEach((o) => add(o.key, 'changed'));
  for (const k of Object.values(out)) for (const list of [k.added, k.removed, k.changed]) list.sort();
  return out;
}

/**
 * A unified diff of the normalised schema text (objects sorted by kind and name, one
 * definition each), so identical schemas give an empty diff whatever the catalog order.
 */
export function unifiedSchemaDiff(before: Schema, after: Schema, labels = { before: 'base', after: 'head' }): string {
  const [a, b] = [schemaText(before), schemaText(after)];
  if (a === b) return '';
  return createTwoFilesPatch(labels.before, labels.after, a, b, '', '', { context: 3 })
    .split('\n')
    .slice(1)
    .filter((l) => l !== '\\ No newline at end of file')
    .join('\n')
    .trimEnd();
}
