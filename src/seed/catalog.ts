import type pg from 'pg';

/**
 * What the seeder reads from the catalog: the user's tables (system schemas, temporary schemas
 * and the tables of extensions left out), their columns, keys and constraints, and every type
 * their columns use, down to the base types (array elements, domain bases, range subtypes,
 * composite attributes). Four queries whatever the size of the schema.
 */

/** A name as a quoted SQL identifier. */
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** One key per foreign key of a table, for sets and maps. */
export const fkKey = (table: string, fk: ForeignKey) => `${table}\u0000${fk.name}`;

export interface SeedColumn {
  readonly name: string;
  readonly attnum: number;
  readonly type: number;
  readonly typmod: number;
  /** `format_type` of the column: the cast that ends every generated value. */
  readonly typeName: string;
  readonly notNull: boolean;
  /** Generated, identity, or defaulted from a sequence: left out of the INSERT. */
  readonly omitted: boolean;
  /** Left out because its default draws from a sequence (serial, identity): unique by itself. */
  readonly sequenced: boolean;
}

export interface ForeignKey {
  readonly name: string;
  readonly columns: readonly number[];
  readonly parent: string;
  readonly parentColumns: readonly string[];
  readonly matchFull: boolean;
}

export interface SeedTable {
  readonly oid: number;
  /** `schema.table`, each part quoted where it must be (`format('%I.%I')`). */
  readonly name: string;
  readonly columns: readonly SeedColumn[];
  /** Column sets whose values must be unique together: primary key, UNIQUE, EXCLUDE, unique indexes. */
  readonly uniqueKeys: readonly (readonly number[])[];
  readonly primaryKey: readonly string[] | null;
  readonly foreignKeys: readonly ForeignKey[];
  /** CHECK constraints by name: the columns each reads and its definition. */
  readonly checks: ReadonlyMap<string, { readonly columns: readonly number[]; readonly def: string }>;
  /** Set for a partition, which is filled through its parent. */
  readonly partitionOf: string | null;
}

export interface TypeInfo {
  readonly oid: number;
  /** `format_type(oid, NULL)`. */
  readonly name: string;
  readonly typname: string;
  /** `b` base, `d` domain, `e` enum, `r` range, `m` multirange, `c` composite, `p` pseudo. */
  readonly kind: string;
  readonly category: string;
  /** Array element type, for arrays. */
  readonly element: number | null;
  readonly domainBase: number | null;
  readonly domainTypmod: number;
  readonly domainNotNull: boolean;
  /** The domain's CHECK constraints: names and definitions. */
  readonly domainChecks: readonly string[];
  readonly domainCheckDefs: readonly string[];
  readonly labels: readonly string[];
  readonly rangeSubtype: number | null;
  readonly multirangeOf: number | null;
  readonly attributes: readonly { name: string; type: number; typmod: number }[];
}

const USER_TABLES = `
SELECT c.oid::int AS oid, format('%I.%I', n.nspname, c.relname) AS name,
  (SELECT format('%I.%I', pn.nspname, p.relname) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
     JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid AND c.relispartition) AS partition_of
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

const COLUMNS = `
SELECT a.attrelid::int AS rel, a.attnum::int AS attnum, a.attname AS name,
  a.atttypid::int AS type, a.atttypmod AS typmod,
  format_type(a.atttypid, a.atttypmod) AS type_name, a.attnotnull AS not_null,
  a.attgenerated <> '' AS generated, a.attidentity <> '' AS identity,
  coalesce(pg_get_expr(ad.adbin, ad.adrelid) ~ '\\mnextval\\(', false) AS from_sequence
FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

// Unique indexes that back no constraint count as keys too, with the columns their
// expressions and predicate read (pg_depend records those).
const CONSTRAINTS = `
SELECT c.conrelid::int AS rel, c.conname AS name, c.contype AS kind, c.conkey::int[] AS columns,
  CASE WHEN c.confrelid <> 0 THEN format('%I.%I', pn.nspname, p.relname) END AS parent,
  c.confmatchtype = 'f' AS match_full,
  CASE WHEN c.contype = 'c' THEN pg_get_constraintdef(c.oid) END AS def,
  (SELECT array_agg(pa.attname::text ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, i)
     JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.attnum) AS parent_columns
FROM pg_constraint c LEFT JOIN pg_class p ON p.oid = c.confrelid LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE c.conrelid = ANY($1::oid[]) AND c.contype IN ('p', 'u', 'x', 'f', 'c')
UNION ALL
SELECT i.indrelid::int, ic.relname, 'i',
  ARRAY(SELECT k FROM unnest(i.indkey::int2[]) k WHERE k > 0
        UNION SELECT d.refobjsubid FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
          AND d.refobjid = i.indrelid AND d.refobjsubid > 0)::int[],
  NULL, false, NULL, NULL
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE i.indrelid = ANY($1::oid[]) AND i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                  WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY 1, 2`;

const TYPES = `
SELECT t.oid::int AS oid, format_type(t.oid, NULL) AS name, t.typname, t.typtype AS kind, t.typcategory AS category,
  CASE WHEN t.typelem <> 0 AND (SELECT e.typarray FROM pg_type e WHERE e.oid = t.typelem) = t.oid
    THEN t.typelem::int END AS element,
  CASE WHEN t.typtype = 'd' THEN t.typbasetype::int END AS domain_base, t.typtypmod AS domain_typmod,
  t.typnotnull AS domain_not_null,
  ARRAY(SELECT conname::text FROM pg_constraint WHERE contypid = t.oid AND contype = 'c' ORDER BY conname)
    AS domain_checks,
  ARRAY(SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = t.oid AND contype = 'c' ORDER BY conname)
    AS domain_check_defs,
  ARRAY(SELECT enumlabel::text FROM pg_enum WHERE enumtypid = t.oid ORDER BY enumsortorder) AS labels,
  (SELECT r.rngsubtype::int FROM pg_range r WHERE r.rngtypid = t.oid) AS range_subtype,
  (SELECT r.rngtypid::int FROM pg_range r WHERE r.rngmultitypid = t.oid) AS multirange_of,
  coalesce((SELECT json_agg(json_build_object('name', a.attname, 'type', a.atttypid::int, 'typmod', a.atttypmod)
                            ORDER BY a.attnum)
     FROM pg_attribute a
     WHERE t.typtype = 'c' AND a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '[]') AS attributes
FROM pg_type t WHERE t.oid = ANY($1::oid[])`;

/** The user's tables (or those named), sorted by name, with everything needed to fill them. */
export async function readSeedCatalog(
  client: pg.Client,
  only?: readonly string[],
): Promise<{ tables: SeedTable[]; types: Map<number, TypeInfo> }> {
  type TableRow = { oid: number; name: string; partition_of: string | null };
  let rows = (await client.query<TableRow>(USER_TABLES)).rows;
  if (only) {
    const wanted = new Set(only);
    rows = rows.filter((r) => wanted.has(r.name));
  }
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const oids = rows.map((r) => r.oid);

  type ColumnRow = {
    rel: number;
    attnum: number;
    name: string;
    type: number;
    typmod: number;
    type_name: string;
    not_null: boolean;
    generated: boolean;
    identity: boolean;
    from_sequence: boolean;
  };
  const columns = groupBy((await client.query<ColumnRow>(COLUMNS, [oids])).rows, (r) => r.rel);
  type ConstraintRow = {
    rel: number;
    name: string;
    kind: string;
    columns: number[];
    parent: string | null;
    match_full: boolean;
    def: string | null;
    parent_columns: string[] | null;
  };
  const constraints = groupBy((await client.query<ConstraintRow>(CONSTRAINTS, [oids])).rows, (r) => r.rel);

  const tables = rows.map((row): SeedTable => {
    const cols = (columns.get(row.oid) ?? []).map(
      (c): SeedColumn => ({
        name: c.name,
        attnum: c.attnum,
        type: c.type,
        typmod: c.typmod,
        typeName: c.type_name,
        notNull: c.not_null,
        omitted: c.generated || c.identity || c.from_sequence,
        sequenced: !c.generated && (c.identity || c.from_sequence),
      }),
    );
    const cons = constraints.get(row.oid) ?? [];
    const pk = cons.find((c) => c.kind === 'p');
    return {
      oid: row.oid,
      name: row.name,
      columns: cols,
      uniqueKeys: cons.filter((c) => 'puxi'.includes(c.kind) && c.columns.length > 0).map((c) => c.columns),
      primaryKey: pk ? pk.columns.map((n) => cols.find((c) => c.attnum === n)!.name) : null,
      foreignKeys: cons
        .filter((c) => c.kind === 'f')
        .map((c) => ({
          name: c.name,
          columns: c.columns,
          parent: c.parent!,
          parentColumns: c.parent_columns!,
          matchFull: c.match_full,
        })),
      checks: new Map(
        cons.filter((c) => c.kind === 'c').map((c) => [c.name, { columns: c.columns ?? [], def: c.def! }]),
      ),
      partitionOf: row.partition_of,
    };
  });
  return {
    tables,
    types: await readTypes(
      client,
      tables.flatMap((t) => t.columns.map((c) => c.type)),
    ),
  };
}

/** The types `roots` name and every type they are built from. */
async function readTypes(client: pg.Client, roots: number[]): Promise<Map<number, TypeInfo>> {
  type TypeRow = {
    oid: number;
    name: string;
    typname: string;
    kind: string;
    category: string;
    element: number | null;
    domain_base: number | null;
    domain_typmod: number;
    domain_not_null: boolean;
    domain_checks: string[];
    domain_check_defs: string[];
    labels: string[];
    range_subtype: number | null;
    multirange_of: number | null;
    attributes: { name: string; type: number; typmod: number }[];
  };
  const types = new Map<number, TypeInfo>();
  let wanted = [...new Set(roots)];
  while (wanted.length > 0) {
    for (const r of (await client.query<TypeRow>(TYPES, [wanted])).rows) {
      types.set(r.oid, {
        oid: r.oid,
        name: r.name,
        typname: r.typname,
        kind: r.kind,
        category: r.category,
        element: r.element,
        domainBase: r.domain_base,
        domainTypmod: r.domain_typmod,
        domainNotNull: r.domain_not_null,
        domainChecks: r.domain_checks,
        domainCheckDefs: r.domain_check_defs,
        labels: r.labels,
        rangeSubtype: r.range_subtype,
        multirangeOf: r.multirange_of,
        attributes: r.attributes,
      });
    }
    const next = [...types.values()].flatMap((t) => [
      t.element,
      t.domainBase,
      t.rangeSubtype,
      t.multirangeOf,
      ...t.attributes.map((a) => a.type),
    ]);
    wanted = [...new Set(next.filter((o): o is number => o !== null && !types.has(o)))];
  }
  return types;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
