import { createTwoFilesPatch } from 'diff';
import { splitKey } from '../schema/diff.ts';
import type { Schema } from '../schema/snapshot.ts';
import { nameParts } from './restore-statements.ts';

const RELATIONS = new Set(['table', 'view', 'materialized view', 'foreign table', 'sequence']);
const PARTS = ['column', 'constraint', 'index', 'trigger', 'policy', 'rule'];
/** Objects that stand alone, in the order they are read: what tables use first, what uses tables last. */
const BEFORE_TABLES = ['schema', 'extension', 'enum', 'domain', 'type', 'range', 'collation'];

/** The relation an object is part of (itself for a relation), or null for one that stands alone. */
function relationOf(key: string, def: string): string | null {
  const [kind, name] = splitKey(key);
  if (RELATIONS.has(kind)) {
    const owner = kind === 'sequence' ? /^owned by (.*)$/m.exec(def)?.[1] : undefined;
    return owner ? nameParts(owner).slice(0, -1).join('.') : name;
  }
  if (kind === 'index') return /^CREATE (?:UNIQUE )?INDEX \S+ ON (?:ONLY )?(\S+) USING/.exec(def)?.[1] ?? null;
  if (PARTS.includes(kind)) return nameParts(name).slice(0, -1).join('.');
  return null;
}

/**
 * The schema as text with each table's objects together: the table, its columns (in column
 * order), constraints, indexes, triggers and policies; types and schemas before the tables,
 * functions and the rest after them.
 */
export function schemaByTable(schema: Schema): string {
  const entries = [...schema.entries()].map(([key, def]) => {
    const [kind, name] = splitKey(key);
    const relation = relationOf(key, def);
    const columns = relation ? /^columns (.*)$/m.exec(schema.get(`table ${relation}`) ?? '')?.[1]?.split(', ') : [];
    const at = kind === 'column' ? (columns?.indexOf(nameParts(name).at(-1)!) ?? -1) : -1;
    const band = relation ? 1 : BEFORE_TABLES.includes(kind) ? 0 : 2;
    const within = relation ? (RELATIONS.has(kind) && relation === name ? -1 : PARTS.indexOf(kind)) : 0;
    return { key, def, sort: [band, relation ?? '', within, at < 0 ? Infinity : at] as const };
  });
  entries.sort(
    (a, b) =>
      a.sort[0] - b.sort[0] ||
      a.sort[1].localeCompare(b.sort[1]) ||
      a.sort[2] - b.sort[2] ||
      (a.sort[3] === b.sort[3] ? 0 : a.sort[3] < b.sort[3] ? -1 : 1) ||
      a.key.localeCompare(b.key),
  );
  return entries.map(({ key, def }) => `${key}\n${def ? def.replace(/^/gm, '  ') + '\n' : ''}`).join('');
}

/** A unified diff of two schemas, each table's objects together (see schemaByTable); empty when equal. */
export function schemaDiffByTable(before: Schema, after: Schema): string {
  const [a, b] = [schemaByTable(before), schemaByTable(after)];
  if (a === b) return '';
  return createTwoFilesPatch('base', 'head', a, b, '', '', { context: 3 })
    .split('\n')
    .slice(1)
    .filter((l) => l !== '\\ No newline at end of file')
    .join('\n')
    .trimEnd();
}
