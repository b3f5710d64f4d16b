import { CAPTURE_SCHEMA } from '../schema/capture.ts';
import type pg from 'pg';

/** A relation that existed before a migration: only these can be hazards (objects it creates are not). */
export interface TrackedRelation {
  readonly oid: number;
  /** `schema.name`, quoted where needed; a TOAST table is named after its table: `public.users (TOAST)`. */
  readonly name: string;
  /** pg_class.relkind: r table, p partitioned table, i/I index, t TOAST, m materialized view, S sequence. */
  readonly kind: string;
  /** The table this relation belongs to (itself for a table or materialized view). */
  readonly table: string;
  /** Its storage file before the migration (pg_relation_filenode, which also resolves mapped relations). */
  readonly filenode: number | null;
}

/** The relations of a database before a migration, by OID. */
export type Tracked = ReadonlyMap<number, TrackedRelation>;

// migrate-check's own schema (the change log) is no migration's: never watched.
const RELATIONS = `
SELECT c.oid::int8 AS oid, c.relkind::text AS kind, pg_relation_filenode(c.oid)::int8 AS filenode,
       CASE WHEN c.relkind = 't' THEN format('%I.%I', tn.nspname, t.relname) || ' (TOAST)'
            ELSE format('%I.%I', n.nspname, c.relname) END AS name,
       CASE WHEN c.relkind = 't' THEN format('%I.%I', tn.nspname, t.relname)
            WHEN c.relkind IN ('i', 'I') THEN format('%I.%I', ixn.nspname, ixt.relname)
            WHEN c.relkind = 'S' THEN format('%I.%I', n.nspname, c.relname)
            ELSE format('%I.%I', n.nspname, c.relname) END AS "table"
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class t ON c.relkind = 't' AND t.reltoastrelid = c.oid
LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_index ix ON ix.indexrelid = c.oid
LEFT JOIN pg_class ixt ON ixt.oid = ix.indrelid
LEFT JOIN pg_namespace ixn ON ixn.oid = ixt.relnamespace
WHERE c.relkind IN ('r', 'p', 'i', 'I', 't', 'm', 'S')
  AND CASE WHEN c.relkind = 't' THEN t.oid IS NOT NULL AND tn.nspname NOT IN ('pg_catalog', 'information_schema', '${CAPTURE_SCHEMA}')
           ELSE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', '${CAPTURE_SCHEMA}') AND n.nspname NOT LIKE 'pg\\_temp\\_%'
                AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%' END
  AND ($1::text[] IS NULL OR coalesce(t.relname, ixt.relname, c.relname) = ANY($1::text[]))`;

/**
 * Reads the relations that exist now: call before a migration's first up. With `names`, only
 * the tables of those names (and their indexes and TOAST tables): the words of the migration's
 * SQL (see `namesIn`), which keeps the cost in proportion to what it touches, not to the schema.
 */
export async function trackRelations(client: pg.Client, names?: readonly string[]): Promise<Tracked> {
  // Thousands of words (a huge comment) would cost more to compare than reading every relation.
  const only = names && names.length <= 2000 ? names : null;
  const { rows } = await client.query<{
    oid: string;
    kind: string;
    filenode: string | null;
    name: string;
    table: string;
  }>(RELATIONS, [only]);
  return new Map(
    rows.map((r) => {
      const oid = Number(r.oid);
      return [
        oid,
        { oid, kind: r.kind, name: r.name, table: r.table, filenode: r.filenode === null ? null : Number(r.filenode) },
      ];
    }),
  );
}

/** Whether a relation is a table in the hazard sense (rows people read and write). */
export const isTable = (r: TrackedRelation) => r.kind === 'r' || r.kind === 'p' || r.kind === 'm';

export type RelationKind = 'table' | 'index' | 'toast' | 'sequence';

export function kindOf(r: TrackedRelation): RelationKind {
  if (r.kind === 'i' || r.kind === 'I') return 'index';
  if (r.kind === 't') return 'toast';
  if (r.kind === 'S') return 'sequence';
  return 'table';
}

/** Every name a script's SQL could use for a table: its identifiers, unquoted ones folded to lower case. */
export function namesIn(texts: readonly string[]): string[] {
  const names = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)/g)) {
      names.add(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!.toLowerCase());
    }
  }
  return [...names];
}
