/**
 * The catalog query behind every schema snapshot: one statement, one round trip. Each row
 * is one schema object: the catalog row it hangs off (`cat`, `oid`; `cat` is followed by
 * `:<relation OID>` for what belongs to a table: indexes, constraints, triggers …), a stable key naming it
 * (`table public.users`, `column public.users.email`, …) and its normalised definition.
 *
 * `$1` limits the roots to a set of OIDs (null = everything); the incremental snapshot uses
 * it to re-read only what changed. What is left out, on purpose:
 * - system schemas, and objects that belong to an extension (they come with the extension);
 * - things Postgres derives: array and multirange types, table row types, indexes that back a
 *   constraint, triggers that implement foreign keys, clones of partitioned-table triggers;
 * - OIDs, statistics and sequence positions, which differ between identical schemas.
 */

import { CAPTURE_SCHEMA, isCaptureTrigger, LOG_SUMMARY, READ_LOG } from './capture.ts';

// migrate-check's own change log (capture.ts) is not the team's schema.
const userNs = (ns: string) =>
  `${ns}.nspname NOT IN ('pg_catalog', 'information_schema', '${CAPTURE_SCHEMA}') ` +
  `AND ${ns}.nspname !~ '^pg_(toast|temp_|toast_temp_)'`;
const notExtension = (cat: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = '${cat}'::regclass AND xd.objid = ${oid} AND xd.deptype =
    'e')`;
const describe = (oid: string, cat: string) => `'comment ' || quote_literal(obj_description(${oid}, '${cat}'))`;
const PG_CLASS = `'pg_class'::regclass`;
/**
 * template0's `public` schema (PG_PUBLIC_NAMESPACE), the one user-visible object below OID 16384:
 * by OID, since a migration may rename it (or drop it, and a new `public` gets an OID from 16384).
 */
const PUBLIC_OID = 2200;
const lines = (...parts: string[]) => `concat_ws(E'\\n', ${parts.join(', ')})`;

/** The catalogs whose rows are the roots objects hang off (one or more branches of the catalog query each). */
export const ROOT_CATALOGS = [
  'pg_namespace',
  'pg_extension',
  'pg_type',
  'pg_class',
  'pg_constraint',
  'pg_proc',
  'pg_trigger',
  'pg_rewrite',
  'pg_policy',
  'pg_event_trigger',
  'pg_collation',
  'pg_statistic_ext',
  'pg_default_acl',
  'pg_publication',
  'pg_foreign_server',
  'pg_cast',
  'pg_operator',
];

/**
 * `roots`: an SQL expression of type oid[] limiting the objects read, or null for every
 * object. User objects all have OIDs from 16384 (FirstNormalObjectId) on, except the
 * `public` schema: both forms let Postgres use each catalog's OID index.
 */
function catalogQuery(roots: ((catalog: string) => string) | null, only?: readonly string[]): string {
  const { rel, select } = catalogParts(roots, only);
  return `${rel}\n${select}`;
}

/** `catalogQuery` in two: `rel`, for a WITH list, and the SELECT that reads through it. */
function catalogParts(
  roots: ((catalog: string) => string) | null,
  only?: readonly string[],
): { rel: string; select: string } {
  const rel = `
rel AS NOT MATERIALIZED (
  SELECT c.*, n.nspname, format('%I.%I', n.nspname, c.relname) AS qname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid::int8 >= 16384 AND ${userNs('n')} AND ${notExtension('pg_class', 'c.oid')}
)`;
  const branches = catalogBranches(roots);
  if (!only) return { rel, select: branches.map((b) => b.sql).join('\nUNION ALL\n') };
  const chosen = branches.filter((b) => only.includes(b.catalog));
  return {
    rel,
    select: `SELECT b.* FROM (${chosen.map((b) => b.sql).join('\nUNION ALL\n')}) AS b(cat, oid, key, def)`,
  };
}

/**
 * The branches of `catalogQuery`, one per kind of object, each with the root catalog it reads
 * (the catalog its first column names: `pg_class` for tables, columns and indexes).
 */
function catalogBranches(roots: ((catalog: string) => string) | null): { catalog: string; sql: string }[] {
  // With roots, a gate that skips a catalog's branch when none of its objects are to be read.
  const root = (oid: string, catalog: string) => {
    if (!roots) return `${oid} >= 16384`;
    const ids = roots(catalog);
    return `${ids} IS NOT NULL AND ${oid} = ANY(${ids})`;
  };
  const text = `
SELECT 'pg_namespace' AS cat, n.oid, 'schema ' || quote_ident(n.nspname) AS key,
  ${lines(
    "'owner ' || pg_get_userbyid(n.nspowner)",
    "'acl ' || n.nspacl::text",
    describe('n.oid', 'pg_namespace'),
  )} AS def
FROM pg_namespace n WHERE ${userNs('n')} AND ${notExtension('pg_namespace', 'n.oid')}
  AND (${root('n.oid', 'pg_namespace')} OR ${roots ? 'false' : `n.oid = ${PUBLIC_OID}`})

UNION ALL
SELECT 'pg_extension', x.oid, 'extension ' || quote_ident(x.extname),
  ${lines("'version ' || x.extversion", "'schema ' || quote_ident(x.extnamespace::regnamespace::text)")}
FROM pg_extension x WHERE x.extname <> 'plpgsql' AND ${root('x.oid', 'pg_extension')}

UNION ALL
SELECT 'pg_type', t.oid,
  CASE t.typtype WHEN 'e' THEN 'enum ' WHEN 'd' THEN 'domain ' WHEN 'r' THEN 'range ' ELSE 'type ' END ||
    format('%I.%I', n.nspname, t.typname),
  ${lines(
    `CASE t.typtype
      WHEN 'e' THEN 'labels ' || (SELECT string_agg(quote_literal(enumlabel), ', ' ORDER BY enumsortorder) FROM
        pg_enum WHERE enumtypid = t.oid)
      WHEN 'd' THEN 'base ' || format_type(t.typbasetype, t.typtypmod)
      WHEN 'r' THEN 'subtype ' || (SELECT format_type(rngsubtype, NULL) FROM pg_range WHERE rngtypid = t.oid)
      WHEN 'c' THEN 'attributes ' || (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid,
        a.atttypmod), ', ' ORDER BY a.attnum)
                                    FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT
                                      a.attisdropped)
    END`,
    "CASE WHEN t.typnotnull THEN 'not null' END",
    "'default ' || t.typdefault",
    'CASE WHEN t.typcollation <> 0 AND t.typcollation <> (SELECT typcollation FROM pg_type WHERE oid = ' +
      "t.typbasetype) THEN 'collate ' || t.typcollation::regcollation::text END",
    "(SELECT string_agg('check ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid), E'\\n' ORDER BY " +
      'conname) FROM pg_constraint WHERE contypid = t.oid)',
    "'owner ' || pg_get_userbyid(t.typowner)",
    "'acl ' || t.typacl::text",
    describe('t.oid', 'pg_type'),
  )}
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE ${userNs('n')} AND ${notExtension('pg_type', 't.oid')} AND ${root('t.oid', 'pg_type')}
  AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) =
    'c'))

UNION ALL
SELECT 'pg_class', c.oid,
  CASE c.relkind WHEN 'S' THEN 'sequence ' WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' WHEN 'f' THEN
    'foreign table ' ELSE 'table ' END || c.qname,
  ${lines(
    "CASE c.relpersistence WHEN 'u' THEN 'unlogged' END",
    `CASE WHEN c.relkind IN ('v', 'm') THEN 'definition ' || pg_get_viewdef(c.oid) END`,
    `CASE WHEN c.relkind = 'S' THEN (SELECT format('sequence %s start %s increment %s min %s max %s cache %s%s', ` +
      `format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, CASE WHEN ` +
      `s.seqcycle THEN ' cycle' END) FROM pg_sequence s WHERE s.seqrelid = c.oid) END`,
    `(SELECT 'owned by ' || format('%s.%I', d.refobjid::regclass, a.attname) FROM pg_depend d JOIN pg_attribute a ON
      a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid =
        'pg_class'::regclass AND d.deptype = 'a')`,
    `CASE WHEN c.relkind IN ('r', 'p', 'f', 'v', 'm') THEN 'columns ' || coalesce((SELECT ` +
      `string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND ` +
      `a.attnum > 0 AND NOT a.attisdropped), '') END`,
    "'partition by ' || pg_get_partkeydef(c.oid)",
    "CASE WHEN c.relispartition THEN 'partition of ' || (SELECT inhparent::regclass::text FROM pg_inherits WHERE " +
      "inhrelid = c.oid) || ' ' || pg_get_expr(c.relpartbound, c.oid) END",
    "CASE WHEN NOT c.relispartition THEN 'inherits ' || (SELECT string_agg(inhparent::regclass::text, ', ' ORDER " +
      'BY inhseqno) FROM pg_inherits WHERE inhrelid = c.oid) END',
    "CASE WHEN c.relrowsecurity THEN 'row level security' END",
    "CASE WHEN c.relforcerowsecurity THEN 'force row level security' END",
    "CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.relreplident <> 'd' THEN 'replica identity ' || " +
      'c.relreplident::text END',
    "'options ' || array_to_string(c.reloptions, ', ')",
    "'owner ' || pg_get_userbyid(c.relowner)",
    "'acl ' || c.relacl::text",
    describe('c.oid', 'pg_class'),
  )}
FROM rel c
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND ${root('c.oid', 'pg_class')}
  AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid =
    c.oid AND d.deptype = 'i'))

UNION ALL
SELECT 'pg_class', c.oid, 'column ' || c.qname || '.' || quote_ident(a.attname),
  ${lines(
    "'type ' || format_type(a.atttypid, a.atttypmod)",
    "CASE WHEN a.attnotnull THEN 'not null' END",
    "CASE WHEN a.attgenerated = 's' THEN 'generated always as ' || pg_get_expr(ad.adbin, ad.adrelid) || ' stored' " +
      "WHEN a.attgenerated = 'v' THEN 'generated always as ' || pg_get_expr(ad.adbin, ad.adrelid) ELSE 'default ' || " +
      'pg_get_expr(ad.adbin, ad.adrelid) END',
    `CASE a.attidentity WHEN 'a' THEN 'generated always as identity' WHEN 'd' THEN 'generated by default as ` +
      `identity' END`,
    'CASE WHEN a.attcollation <> 0 AND a.attcollation <> (SELECT typcollation FROM pg_type WHERE oid = a.atttypid) ' +
      "THEN 'collate ' || a.attcollation::regcollation::text END",
    "CASE WHEN a.attstorage <> (SELECT typstorage FROM pg_type WHERE oid = a.atttypid) THEN 'storage ' || " +
      'a.attstorage::text END',
    "'options ' || array_to_string(a.attoptions, ', ')",
    "'acl ' || a.attacl::text",
    "'comment ' || quote_literal(col_description(c.oid, a.attnum))",
  )}
FROM rel c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ${root('c.oid', 'pg_class')}

UNION ALL
SELECT 'pg_class:' || i.indrelid, c.oid, 'index ' || c.qname,
  ${lines(
    'pg_get_indexdef(c.oid)',
    "CASE WHEN NOT i.indisvalid THEN 'invalid' END",
    "CASE WHEN i.indisclustered THEN 'clustered' END",
    "CASE WHEN i.indisreplident THEN 'replica identity' END",
    describe('c.oid', 'pg_class'),
  )}
FROM rel c JOIN pg_index i ON i.indexrelid = c.oid
WHERE c.relkind IN ('i', 'I') AND ${root('c.oid', 'pg_class')}
  -- An index that backs a constraint (primary key, unique, exclusion) belongs to it internally;
  -- pg_depend has an index on that, pg_constraint none on conindid. refclassid is compared as int8
  -- so that the lookup goes by the index's own OID: on refclassid alone, a generic plan scanned
  -- every constraint's dependents once per index (0.9 ms of a 3.6 ms refresh at 1,000 migrations).
  AND NOT EXISTS (SELECT 1 FROM pg_depend kd WHERE kd.classid = ${PG_CLASS} AND kd.objid = c.oid
    AND kd.refclassid::int8 = 'pg_constraint'::regclass::oid::int8 AND kd.deptype = 'i')

UNION ALL
SELECT 'pg_constraint:' || k.conrelid, k.oid, 'constraint ' || r.qname || '.' || quote_ident(k.conname),
  ${lines(
    'pg_get_constraintdef(k.oid)',
    "CASE WHEN NOT k.convalidated THEN 'not valid' END",
    describe('k.oid', 'pg_constraint'),
  )}
FROM pg_constraint k JOIN rel r ON r.oid = k.conrelid
WHERE k.contype <> 'n' AND k.conparentid = 0 AND ${root('k.oid', 'pg_constraint')}

UNION ALL
SELECT 'pg_proc', p.oid,
  CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate ' ELSE 'function ' END
    || format('%I.%I', n.nspname, p.proname) || '(' || oidvectortypes(p.proargtypes) || ')',
  ${lines(
    `CASE WHEN p.prokind = 'a' THEN (SELECT format('state %s %s final %s initial %s', ag.aggtransfn,
      format_type(ag.aggtranstype, NULL), ag.aggfinalfn, ag.agginitval) FROM pg_aggregate ag WHERE ag.aggfnoid =
      p.oid)
      ELSE pg_get_functiondef(p.oid) END`,
    "'owner ' || pg_get_userbyid(p.proowner)",
    "'acl ' || p.proacl::text",
    describe('p.oid', 'pg_proc'),
  )}
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE ${userNs('n')} AND ${notExtension('pg_proc', 'p.oid')} AND ${root('p.oid', 'pg_proc')}

UNION ALL
SELECT 'pg_trigger:' || t.tgrelid, t.oid, 'trigger ' || r.qname || '.' || quote_ident(t.tgname),
  ${lines(
    'pg_get_triggerdef(t.oid)',
    "CASE t.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'enabled replica' WHEN 'A' THEN 'enabled always' END",
    describe('t.oid', 'pg_trigger'),
  )}
FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND ${root('t.oid', 'pg_trigger')}

UNION ALL
SELECT 'pg_rewrite:' || w.ev_class, w.oid, 'rule ' || r.qname || '.' || quote_ident(w.rulename),
  ${lines('pg_get_ruledef(w.oid)', describe('w.oid', 'pg_rewrite'))}
FROM pg_rewrite w JOIN rel r ON r.oid = w.ev_class
WHERE w.rulename <> '_RETURN' AND ${root('w.oid', 'pg_rewrite')}

UNION ALL
SELECT 'pg_policy:' || p.polrelid, p.oid, 'policy ' || r.qname || '.' || quote_ident(p.polname),
  ${lines(
    "CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END || ' for ' || CASE p.polcmd WHEN 'r' THEN " +
      "'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update' WHEN 'd' THEN 'delete' ELSE 'all' END",
    "'to ' || (SELECT string_agg(CASE WHEN rid = 0 THEN 'public' ELSE pg_get_userbyid(rid) END, ', ' ORDER BY 1) " +
      'FROM unnest(p.polroles) rid)',
    "'using ' || pg_get_expr(p.polqual, p.polrelid)",
    "'with check ' || pg_get_expr(p.polwithcheck, p.polrelid)",
    describe('p.oid', 'pg_policy'),
  )}
FROM pg_policy p JOIN rel r ON r.oid = p.polrelid
WHERE ${root('p.oid', 'pg_policy')}

UNION ALL
SELECT 'pg_event_trigger', e.oid, 'event trigger ' || quote_ident(e.evtname),
  ${lines(
    "'on ' || e.evtevent || ' execute ' || e.evtfoid::regprocedure::text",
    "'tags ' || array_to_string(e.evttags, ', ')",
    "'enabled ' || e.evtenabled::text",
  )}
FROM pg_event_trigger e
WHERE ${notExtension('pg_event_trigger', 'e.oid')} AND NOT ${isCaptureTrigger('e')}
  AND ${root('e.oid', 'pg_event_trigger')}

UNION ALL
SELECT 'pg_collation', c.oid, 'collation ' || format('%I.%I', n.nspname, c.collname),
  ${lines(
    "'provider ' || c.collprovider::text",
    "'locale ' || coalesce(c.collcollate, '') || ' ' || coalesce(c.collctype, '')",
    "CASE WHEN NOT c.collisdeterministic THEN 'nondeterministic' END",
  )}
FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
WHERE ${userNs('n')} AND ${notExtension('pg_collation', 'c.oid')} AND ${root('c.oid', 'pg_collation')}

UNION ALL
SELECT 'pg_statistic_ext:' || s.stxrelid, s.oid, 'statistics ' || format('%I.%I', n.nspname, s.stxname),
  pg_get_statisticsobjdef(s.oid)
FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace
WHERE ${userNs('n')} AND ${root('s.oid', 'pg_statistic_ext')}

UNION ALL
SELECT 'pg_default_acl', d.oid,
  'default privileges ' || pg_get_userbyid(d.defaclrole) || coalesce(' in ' ||
    quote_ident(d.defaclnamespace::regnamespace::text), '') || ' on ' ||
    CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' WHEN 'T' THEN
      'types' WHEN 'n' THEN 'schemas' END,
  'acl ' || d.defaclacl::text
FROM pg_default_acl d WHERE ${root('d.oid', 'pg_default_acl')}

UNION ALL
SELECT 'pg_publication', p.oid, 'publication ' || quote_ident(p.pubname),
  ${lines(
    "CASE WHEN p.puballtables THEN 'all tables' END",
    "'tables ' || (SELECT string_agg(prrelid::regclass::text, ', ' ORDER BY 1) FROM pg_publication_rel WHERE " +
      'prpubid = p.oid)',
    "format('publish insert=%s update=%s delete=%s truncate=%s', p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate)",
  )}
FROM pg_publication p WHERE ${root('p.oid', 'pg_publication')}

UNION ALL
SELECT 'pg_foreign_server', s.oid, 'server ' || quote_ident(s.srvname),
  ${lines(
    "'wrapper ' || (SELECT fdwname FROM pg_foreign_data_wrapper WHERE oid = s.srvfdw)",
    "'options ' || array_to_string(s.srvoptions, ', ')",
  )}
FROM pg_foreign_server s WHERE ${notExtension('pg_foreign_server', 's.oid')} AND ${root('s.oid', 'pg_foreign_server')}

UNION ALL
SELECT 'pg_cast', c.oid, 'cast ' || format_type(c.castsource, NULL) || ' as ' || format_type(c.casttarget, NULL),
  ${lines(
    "'function ' || c.castfunc::regprocedure::text",
    "'context ' || c.castcontext::text",
    "'method ' || c.castmethod::text",
  )}
FROM pg_cast c WHERE c.oid >= 16384 AND ${notExtension('pg_cast', 'c.oid')} AND ${root('c.oid', 'pg_cast')}

UNION ALL
SELECT 'pg_operator', o.oid, 'operator ' || format('%I.%s', n.nspname, o.oprname) || '(' || format_type(o.oprleft,
  NULL) || ', ' || format_type(o.oprright, NULL) || ')',
  'function ' || o.oprcode::regprocedure::text
FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
WHERE ${userNs('n')} AND ${notExtension('pg_operator', 'o.oid')} AND ${root('o.oid', 'pg_operator')}
`;
  return text.split('\nUNION ALL\n').map((sql) => {
    const catalog = /^\s*SELECT '(pg_[a-z_]+)/.exec(sql)?.[1];
    if (!catalog || !ROOT_CATALOGS.includes(catalog)) throw new Error(`catalog query: a branch without a root catalog`);
    return { catalog, sql };
  });
}

/** Every object. */
export const FULL_QUERY = 'WITH ' + catalogQuery(null);
/** Only the objects rooted at the OIDs in `$1` (an oid[]). */
export const ROOTS_QUERY = 'WITH ' + catalogQuery(() => '$1::oid[]');

/**
 * For a database just copied from template0 (snapshot.ts): `fingerprint`, what its schema
 * depends on (the server's version, how many rows from OID 16384 on each catalog the snapshot
 * reads holds, and template0's `public` schema's name, owner, privileges and comment, the one
 * user-visible object below 16384), and `mark`. Its first run in a new session took ~9 ms, where
 * the catalog query's took 40–60 ms.
 */
export function freshQuery(): string {
  const catalogs = [...new Map(TOUCHED.map(([cat, range]) => [cat, range || 'oid'])), ['pg_depend', 'objid']];
  const counts = catalogs.map(([cat, col]) => `(SELECT count(*) FROM ${cat} WHERE ${col} >= 16384)`);
  return `SELECT concat_ws(' ', current_setting('server_version_num'), ${counts.join(', ')},
  (SELECT concat_ws(' ', quote_ident(nspname), nspowner::regrole, nspacl,
      quote_literal(obj_description(oid, 'pg_namespace')))
    FROM pg_namespace WHERE oid = ${PUBLIC_OID})) AS fingerprint,
  pg_snapshot_xmax(pg_current_snapshot())::text AS mark`;
}

// Catalog rows written since the mark: [catalog, indexed column to range over, the owning
// object's catalog, the owning object's OID].
const TOUCHED: [string, string, string, string][] = [
  ['pg_class', 'oid', 'pg_class', 'oid'],
  ['pg_class', 'oid', 'pg_type', 'reltype'],
  ['pg_attribute', 'attrelid', 'pg_class', 'attrelid'],
  // A composite type's attributes are its relation's columns: ALTER TYPE … ATTRIBUTE writes only those.
  [
    'pg_attribute',
    'attrelid',
    'pg_type',
    "(SELECT c.reltype FROM pg_class c WHERE c.oid = attrelid AND c.relkind = 'c')",
  ],
  ['pg_attrdef', 'oid', 'pg_class', 'adrelid'],
  ['pg_index', 'indexrelid', 'pg_class', 'indexrelid'],
  ['pg_constraint', 'oid', 'pg_constraint', 'oid'],
  ['pg_constraint', 'oid', 'pg_type', 'contypid'],
  ['pg_trigger', 'oid', 'pg_trigger', 'oid'],
  ['pg_rewrite', 'oid', 'pg_rewrite', 'oid'],
  ['pg_rewrite', 'oid', 'pg_class', 'ev_class'],
  ['pg_policy', 'oid', 'pg_policy', 'oid'],
  ['pg_proc', 'oid', 'pg_proc', 'oid'],
  ['pg_type', 'oid', 'pg_type', 'oid'],
  ['pg_enum', 'oid', 'pg_type', 'enumtypid'],
  ['pg_range', 'rngtypid', 'pg_type', 'rngtypid'],
  ['pg_namespace', '', 'pg_namespace', 'oid'],
  ['pg_extension', 'oid', 'pg_extension', 'oid'],
  ['pg_sequence', 'seqrelid', 'pg_class', 'seqrelid'],
  ['pg_description', 'objoid', 'pg_class', 'objoid'],
  ['pg_inherits', 'inhrelid', 'pg_class', 'inhrelid'],
  ['pg_event_trigger', 'oid', 'pg_event_trigger', 'oid'],
  ['pg_collation', 'oid', 'pg_collation', 'oid'],
  ['pg_statistic_ext', 'oid', 'pg_statistic_ext', 'oid'],
  ['pg_default_acl', 'oid', 'pg_default_acl', 'oid'],
  ['pg_publication', 'oid', 'pg_publication', 'oid'],
  ['pg_publication_rel', 'oid', 'pg_publication', 'prpubid'],
  ['pg_foreign_server', 'oid', 'pg_foreign_server', 'oid'],
  ['pg_cast', 'oid', 'pg_cast', 'oid'],
  ['pg_operator', 'oid', 'pg_operator', 'oid'],
];

// Which rows of a catalog can be objects of a snapshot (the rest, such as toast tables or
// array types, never are): keeps the listing used to find dropped objects short.
const LIVE: Record<string, string> = {
  pg_namespace: 'true',
  pg_class: "oid >= 16384 AND relkind <> 't' AND relnamespace <> 'pg_toast'::regnamespace",
  pg_type:
    "oid >= 16384 AND typtype IN ('e', 'd', 'r', 'c') AND typelem = 0 AND (typtype <> 'c' OR typrelid IN (SELECT " +
    "oid FROM pg_class WHERE relkind = 'c'))",
};

// A dependent row in pg_depend names a sub-object for some catalogs; these map it to its root.
const ownerOf = (classid: string, objid: string) => `CASE ${classid}
  WHEN 'pg_attrdef'::regclass THEN (SELECT adrelid FROM pg_attrdef WHERE oid = ${objid})
  WHEN 'pg_rewrite'::regclass THEN (SELECT CASE WHEN rulename = '_RETURN' THEN ev_class ELSE oid END FROM pg_rewrite
    WHERE oid = ${objid})
  ELSE ${objid} END`;

// The catalog of the root an object belongs to (see ownerOf).
const ownerClass = (classid: string, objid: string) => `CASE ${classid}
  WHEN 'pg_attrdef'::regclass THEN ${PG_CLASS}::oid
  WHEN 'pg_rewrite'::regclass THEN (SELECT CASE WHEN rulename = '_RETURN' THEN ${PG_CLASS}::oid ELSE ${classid} END
    FROM pg_rewrite WHERE oid = ${objid})
  ELSE ${classid} END`;

/**
 * The incremental query. `$1` is the mark (an xid8) returned by the previous snapshot. Roots
 * are every object with a catalog row written since then, and every object that depends on
 * one (a view on a renamed column, an index on a renamed table, a trigger on a replaced
 * function). Its rows are bookkeeping: `mark` (the next mark), `roots` (the OIDs to read: an
 * object among them that is not found is gone, or no longer shown), `catalogs` (the root
 * catalogs holding any of them, whose branches `readQuery` is to run on them), `live:<catalog>`
 * (the OIDs that still exist, to find drops) and `comments` (to find removed comments).
 * With `everything`, it reads every object as well, and `$1` only feeds the (unused) roots.
 */
export function changesQuery(everything = false): string {
  const since = `age(xmin) <= age(xid($1::xid8))`;
  const touched = TOUCHED.map(
    ([cat, range, owner, col]) =>
      `SELECT '${owner}'::regclass::oid AS classid, ${col} AS oid FROM ${cat} WHERE
        ${range ? `${range} >= 16384 AND ` : ''}${since} AND ${col} <> 0`,
  ).join('\n  UNION ALL ');
  return `WITH touched AS (
  ${touched}
  UNION ALL SELECT classid, ${ownerOf('classid', 'objid')} FROM pg_depend WHERE ${since}
), dependents AS (
  SELECT ${ownerOf('d.classid', 'd.objid')} AS oid FROM touched t JOIN pg_depend d ON d.refclassid = t.classid AND
    d.refobjid = t.oid
  -- What refers to a schema's objects names the schema (after a rename: a foreign key, a view elsewhere).
  UNION ALL SELECT ${ownerOf('r.classid', 'r.objid')} FROM touched t
  JOIN pg_depend d ON d.refclassid = t.classid AND d.refobjid = t.oid
  JOIN pg_depend r ON r.refclassid = d.classid AND r.refobjid = d.objid
  WHERE t.classid = 'pg_namespace'::regclass
), roots AS (
  SELECT array_agg(DISTINCT oid) AS ids FROM (SELECT oid FROM touched UNION ALL SELECT oid FROM dependents) x WHERE
    oid IS NOT NULL
)${
    everything
      ? `, ${catalogQuery(null)}`
      : `
SELECT 'roots' AS cat, 0 AS oid, (SELECT array_to_string(ids, ' ') FROM roots) AS key, NULL AS def
UNION ALL SELECT 'catalogs', 0, concat_ws(' ', ${ROOT_CATALOGS.map(
          (cat) =>
            `CASE WHEN EXISTS (SELECT 1 FROM ${cat} WHERE oid = ANY((SELECT ids FROM roots)::oid[])) THEN '${cat}' END`,
        ).join(', ')}), NULL`
  }
UNION ALL SELECT 'mark', 0, pg_snapshot_xmax(pg_current_snapshot())::text, NULL
UNION ALL SELECT 'comments', 0, (SELECT string_agg(objoid || '.' || objsubid, ' ') FROM pg_description WHERE objoid >=
  16384), NULL
${ROOT_CATALOGS.map(
  (cat) =>
    `UNION ALL SELECT 'live:${cat}', 0, ` +
    `(SELECT string_agg(oid::text, ' ') FROM ${cat} WHERE ${LIVE[cat] ?? 'oid >= 16384'}), NULL`,
).join('\n')}`;
}

/**
 * The first half of an incremental read over the change log (capture.ts), which it empties: `$1`
 * is the mark of the previous snapshot, as in `changesQuery`. It finds the objects to read again:
 * those the log named, with their dependents (as `changesQuery` does, and what those own
 * internally), a composite type's own type row, the inheritance children of a logged table (a
 * column added to a parent reaches them), and, after DDL on a partitioned or inheritance parent,
 * the tables changed since the mark (a detached partition is no longer its child), and every event
 * trigger but the log's own: none fires for their own DDL. Rows: `ids:<catalog>` (the OIDs of that
 * root catalog to read, for `readQuery`), `roots` (every OID to read: an object among them that is
 * not found is gone, or no longer shown), `log` (what the log held, as `LOG_SUMMARY` says it) and,
 * with `cluster`, the `cluster` row (see `clusterRow`).
 *
 * The objects themselves are read by `readQuery`, with only the branches of the catalogs named:
 * one statement holding every branch cost ~1 ms a step to bind and ~1 ms to start its executor
 * however little it read, and ~13 ms to plan in each new session.
 */
function logQuery(cluster?: string): string {
  return `WITH RECURSIVE ${LOG_CTES}\n${LOG_ROWS}${clusterRow(cluster)}`;
}

/**
 * A `cluster` row for the log statements, holding the value of the SQL expression `cluster` (a
 * digest of the cluster around the database: outside/cluster.ts), read in the same round trip.
 */
const clusterRow = (cluster?: string) => (cluster ? `\nUNION ALL SELECT 'cluster', 0, (${cluster})::text, NULL` : '');

/** The WITH list of `logQuery`, through `roots` (classid, ids): what is to be read again. */
const LOG_CTES = (() => {
  const owner = (classid: string, objid: string) =>
    `${ownerClass(classid, objid)} AS classid, ${ownerOf(classid, objid)} AS oid`;
  return `${READ_LOG},
consumed AS (SELECT classid, objid FROM logged),
touched AS (
  SELECT DISTINCT ${owner('classid', 'objid')} FROM consumed WHERE classid <> 0
  UNION SELECT 'pg_type'::regclass::oid, (SELECT c.reltype FROM pg_class c WHERE c.oid = l.objid AND c.relkind = 'c')
  FROM consumed l WHERE l.classid = ${PG_CLASS}
), children AS (
  SELECT i.inhrelid AS oid FROM touched t JOIN pg_inherits i ON i.inhparent = t.oid WHERE t.classid = ${PG_CLASS}
  UNION SELECT i.inhrelid FROM children c JOIN pg_inherits i ON i.inhparent = c.oid
), reparented AS (
  SELECT c.oid FROM pg_class c
  WHERE c.oid >= 16384 AND c.relkind IN ('r', 'p', 'f') AND age(c.xmin) <= age(xid($1::xid8))
    AND EXISTS (SELECT 1 FROM touched t JOIN pg_class p ON p.oid = t.oid
      WHERE t.classid = ${PG_CLASS} AND (p.relkind = 'p' OR p.relhassubclass))
), direct AS (
  SELECT d.classid, d.objid, t.classid AS via FROM touched t
  JOIN pg_depend d ON d.refclassid = t.classid AND d.refobjid = t.oid
), dependents AS (
  SELECT ${owner('classid', 'objid')} FROM direct
  -- What belongs to a dependent (the index of a constraint added USING INDEX, which it hides), and
  -- what refers to a schema's objects, which names the schema (after a rename: a foreign key, a view).
  UNION ALL SELECT ${owner('d.classid', 'd.objid')} FROM direct x
  JOIN pg_depend d ON d.refclassid = x.classid AND d.refobjid = x.objid
    AND (d.deptype = 'i' OR x.via = 'pg_namespace'::regclass)
), roots AS (
  SELECT classid, array_agg(DISTINCT oid) AS ids FROM (
    SELECT classid, oid FROM touched UNION ALL SELECT ${PG_CLASS}::oid, oid FROM children
    UNION ALL SELECT ${PG_CLASS}::oid, oid FROM reparented UNION ALL SELECT classid, oid FROM dependents
    UNION ALL SELECT 'pg_event_trigger'::regclass::oid, e.oid FROM pg_event_trigger e WHERE NOT ${isCaptureTrigger('e')}
  ) x WHERE oid IS NOT NULL GROUP BY classid
)`;
})();

/** The bookkeeping rows of `logQuery`. */
const LOG_ROWS = `SELECT 'ids:' || c.relname AS cat, 0 AS oid, array_to_string(r.ids, ' ') AS key, NULL AS def
FROM roots r JOIN pg_class c ON c.oid = r.classid
UNION ALL SELECT 'roots', 0, (SELECT string_agg(array_to_string(ids, ' '), ' ') FROM roots), NULL
UNION ALL SELECT 'log', 0, ${LOG_SUMMARY}, NULL`;

/** `readQuery`'s texts, by the catalogs they read: made once, as every refresh after DDL asks for one. */
const READ_QUERIES = new Map<string, string>();

/**
 * The objects rooted at the OIDs in `$1`, `$2` … (oid[]s), one parameter for each of `catalogs`
 * (root catalogs, in the order of `ROOT_CATALOGS`): the second half of a read over the change log.
 */
export function readQuery(catalogs: readonly string[]): string {
  const key = catalogs.join(' ');
  let text = READ_QUERIES.get(key);
  if (!text) {
    text = `WITH ${catalogQuery((catalog) => `$${catalogs.indexOf(catalog) + 1}::oid[]`, catalogs)}`;
    READ_QUERIES.set(key, text);
  }
  return text;
}

/** `logReadQuery`'s texts, by the catalogs they read. */
const LOG_READ_QUERIES = new Map<string, string>();

/**
 * `logQuery` and `readQuery` in one statement, one round trip: the log's rows, then the objects it
 * names in `catalogs` (root catalogs, in the order of `ROOT_CATALOGS`), the ones a step is expected
 * to touch; with no catalogs, `logQuery` alone. What the log names in other catalogs is for a
 * `readQuery` after it. `$1` is the mark; `cluster`, as for `logQuery`.
 */
export function logReadQuery(catalogs: readonly string[], cluster?: string): string {
  const key = `${catalogs.join(' ')}\n${cluster ?? ''}`;
  let text = LOG_READ_QUERIES.get(key);
  if (!text) {
    if (catalogs.length) {
      const { rel, select } = catalogParts(
        (catalog) => `(SELECT ids FROM roots WHERE classid = '${catalog}'::regclass)::oid[]`,
        catalogs,
      );
      text = `WITH RECURSIVE ${LOG_CTES},${rel}\n${LOG_ROWS}${clusterRow(cluster)}\nUNION ALL ${select}`;
    } else text = logQuery(cluster);
    LOG_READ_QUERIES.set(key, text);
  }
  return text;
}
