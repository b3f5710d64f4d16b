import { createTwoFilesPatch } from 'diff';
import type { Schema } from './snapshot.ts';

export interface ChangedObject {
  key: string;
  before: string;
  after: string;
}

/** What differs between two schemas, object by object. Pure. */
export interface SchemaDiff {
  equal: boolean;
  /** Objects only in `after`. */
  added: { key: string; def: string }[];
  /** Objects only in `before`. */
  removed: { key: string; def: string }[];
  changed: ChangedObject[];
}

export function diffSchemas(before: Schema, after: Schema): SchemaDiff {
  const added: SchemaDiff['added'] = [];
  const removed: SchemaDiff['removed'] = [];
  const changed: ChangedObject[] = [];
  for (const [key, def] of after) {
    const old = before.get(key);
    if (old === undefined) added.push({ key, def });
    else if (old !== def) changed.push({ key, before: old, after: def });
  }
  for (const [key, def] of before) if (!after.has(key)) removed.push({ key, def });
  return { equal: added.length + removed.length + changed.length === 0, added, removed, changed };
}

/** The kind and name of an object key: `index public.users_email_idx` → ['index', 'public.users_email_idx']. */
export function splitKey(key: string): [kind: string, name: string] {
  const match = /^(materialized view|foreign table|event trigger|default privileges|[a-z]+) (.*)$/s.exec(key);
  return match ? [match[1]!, match[2]!] : ['object', key];
}

/** A unified diff of one changed object's definition, without file headers. */
export function objectDiff(change: ChangedObject): string {
  const patch = createTwoFilesPatch('before', 'after', change.before + '\n', change.after + '\n', '', '', {
    context: 1,
  });
  return patch
    .split('\n')
    .slice(4)
    .filter((l) => l && !l.startsWith('\\'))
    .join('\n');
}
