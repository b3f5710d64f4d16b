import { createTwoFilesPatch } from 'diff';
import type { Schema } from './snapshot.ts';
import { SchemaVersion } from './versions.ts';

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
  const result = () => ({ equal: added.length + removed.length + changed.length === 0, added, removed, changed });
  // Two snapshots of one replay: only the objects that changed between them are looked at.
  const delta = before instanceof SchemaVersion && after instanceof SchemaVersion && SchemaVersion.delta(before, after);
  if (delta) {
    for (const [key, old, def] of delta) {
      if (old === undefined) added.push({ key, def: def! });
      else if (def === undefined) removed.push({ key, def: old });
      else changed.push({ key, before: old, after: def });
    }
    return result();
  }
  for (const [key, def] of after) {
    const old = before.get(key);
    if (old === undefined) added.push({ key, def });
    else if (old !== def) changed.push({ key, before: old, after: def });
  }
  for (const [key, def] of before) if (!after.has(key)) removed.push({ key, def });
  return result();
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
