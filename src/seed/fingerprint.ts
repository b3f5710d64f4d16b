import type pg from 'pg';
import { ident } from './catalog.ts';

/**
 * Fingerprints of table data, hashed in the server so that memory stays flat in the row count:
 * per column, the sum over all rows of `hashtextextended` of the value's text, seeded with the
 * hash of the row's key where the table has one (primary key, else a unique index over NOT NULL columns
 * with no predicate or expression). The sum does not depend on row order, ctid or attnum, so a
 * table rewrite, or a column dropped and re-added with the same values, keeps the fingerprint;
 * pairing with the key means a down that shuffles values between rows changes it.
 */

export interface ColumnFingerprint {
  /** Over (key, value) pairs where the table has a key, else equal to `multiset`. */
  readonly hash: string;
  /** Over the values alone, whatever row holds them. */
  readonly multiset: string;
  readonly nulls: number;
}

export interface TableFingerprint {
  readonly rows: number;
  /** The columns `hash` pairs values with; null when the table has no usable key. */
  readonly key: readonly string[] | null;
  readonly columns: ReadonlyMap<string, ColumnFingerprint>;
  /** The temporary table (this session's) holding one hash per row and column, when kept. */
  readonly rowHashes?: string;
}

export type Fingerprints = ReadonlyMap<string, TableFingerprint>;

export interface DataLoss {
  readonly table: string;
  /** Null for rows removed. */
  readonly column: string | null;
  /** Values that differ or became NULL (rows, for rows-removed). */
  readonly lost: number;
  readonly kind: 'lost' | 'changed' | 'rows-removed';
  /** False when `lost` is only a lower bound (the per-row hashes were not kept or are gone). */
  readonly exact: boolean;
}

const SHAPE = `
SELECT format('%I.%I', n.nspname, c.relname) AS name,
  ARRAY(SELECT a.attname::text FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attname) AS columns,
  (SELECT ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, o)
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.o)
   FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
   WHERE i.indrelid = c.oid AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
     AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey::int2[]) k(attnum)
                     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum WHERE NOT a.attnotnull)
   ORDER BY i.indisprimary DESC, ic.relname LIMIT 1) AS key
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND format('%I.%I', n.nspname, c.relname) = ANY($1::text[])`;

/** The hash of a value's text, seeded with its row's key hash (0: no key); NULL for NULL. */
const hashOf = (value: string, seed = '0') => `hashtextextended((${value})::text, ${seed})`;
const keyHash = (key: readonly string[]) => hashOf(`ROW(${key.map((k) => `t.${ident(k)}`).join(', ')})`);
let kept = 0;

/**
 * The fingerprint of each table named (qualified names; tables that do not exist are left out).
 * With `keepRowHashes`, each table's per-row hashes also go to a temporary table of this
 * session, from which `countChanges` counts changed values exactly after the fact.
 */
export async function fingerprintColumns(
  client: pg.Client,
  tables: readonly string[],
  options: { keepRowHashes?: boolean } = {},
): Promise<Map<string, TableFingerprint>> {
  type Shape = { name: string; columns: string[]; key: string[] | null };
  const shapes = (await client.query<Shape>(SHAPE, [tables])).rows;
  const result = new Map<string, TableFingerprint>();
  for (const shape of shapes.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const key = shape.key?.length ? shape.key : null;
    // NOTE: the key's hash seeds each value's hash, so a value moved to another row hashes differently.
    const from = key ? `${shape.name} AS t, LATERAL (SELECT ${keyHash(key)} AS h) AS k` : `${shape.name} AS t`;
    const aggregates = shape.columns.flatMap((c, n) => [
      ...(key ? [`coalesce(sum(${hashOf(`t.${ident(c)}`, 'k.h')}), 0)::text AS h${n}`] : []),
      `coalesce(sum(${hashOf(`t.${ident(c)}`)}), 0)::text AS m${n}`,
      `count(*) - count(t.${ident(c)}) AS n${n}`,
    ]);
    const row = (
      await client.query<Record<string, string>>(
        `SELECT ${['count(*) AS rows', ...aggregates].join(', ')} FROM ${from}`,
      )
    ).rows[0]!;
    const columns = new Map(
      shape.columns.map((c, n) => [
        c,
        { hash: row[key ? `h${n}` : `m${n}`]!, multiset: row[`m${n}`]!, nulls: Number(row[`n${n}`]) },
      ]),
    );
    let rowHashes: string | undefined;
    if (options.keepRowHashes) {
      rowHashes = `pg_temp.migrate_check_rows_${++kept}`;
      const values = shape.columns.map((c, n) => `${hashOf(`t.${ident(c)}`)} AS v${n}`);
      await client.query(
        `CREATE TEMPORARY TABLE ${rowHashes.slice(8)} AS ` +
          `SELECT ${[key ? `${keyHash(key)} AS k` : 'NULL::bigint AS k', ...values].join(', ')} ` +
          `FROM ${shape.name} AS t`,
      );
    }
    result.set(shape.name, { rows: Number(row.rows), key, columns, ...(rowHashes ? { rowHashes } : {}) });
  }
  return result;
}

/**
 * What `after` lost of `before`: rows removed, columns gone (every non-NULL value lost),
 * columns whose values became NULL (`lost`) or otherwise differ (`changed`). Columns that only
 * `after` has are not losses. Without the per-row hashes, counts are lower bounds (`exact: false`).
 */
export function compareFingerprints(before: Fingerprints, after: Fingerprints): DataLoss[] {
  const losses: DataLoss[] = [];
  for (const [table, b] of before) {
    const a = after.get(table);
    if (!a) {
      if (b.rows > 0) losses.push({ table, column: null, lost: b.rows, kind: 'rows-removed', exact: true });
      continue;
    }
    if (a.rows < b.rows) losses.push({ table, column: null, lost: b.rows - a.rows, kind: 'rows-removed', exact: true });
    const sameKey = b.key !== null && a.key !== null && b.key.join('\u0000') === a.key.join('\u0000');
    for (const [column, bc] of b.columns) {
      const ac = a.columns.get(column);
      if (!ac) {
        if (b.rows - bc.nulls > 0) losses.push({ table, column, lost: b.rows - bc.nulls, kind: 'lost', exact: true });
        continue;
      }
      if (sameKey ? ac.hash === bc.hash : ac.multiset === bc.multiset) continue;
      const nulled = ac.nulls - bc.nulls;
      losses.push({ table, column, lost: Math.max(nulled, 1), kind: nulled > 0 ? 'lost' : 'changed', exact: false });
    }
  }
  return losses;
}

/**
 * Counts exactly, in the server, the values behind each inexact loss, from the per-row hashes
 * `before` kept: by key where the table had one (values that differ in rows still there), else
 * as a multiset difference. Losses it cannot count are returned as they are.
 */
export async function countChanges(
  client: pg.Client,
  before: Fingerprints,
  losses: readonly DataLoss[],
): Promise<DataLoss[]> {
  const counted: DataLoss[] = [];
  for (const loss of losses) {
    const b = before.get(loss.table);
    const n = b && loss.column !== null ? [...b.columns.keys()].indexOf(loss.column) : -1;
    if (loss.exact || !b?.rowHashes || n < 0) {
      counted.push(loss);
      continue;
    }
    const value = hashOf(`t.${ident(loss.column!)}`);
    const multiset =
      `SELECT count(*) AS n FROM (SELECT v${n} FROM ${b.rowHashes} ` +
      `EXCEPT ALL SELECT ${value} FROM ${loss.table} AS t) d`;
    // By key while the key's columns are still there, else as a multiset.
    const keyed =
      b.key &&
      `SELECT count(*) AS n FROM ${b.rowHashes} b JOIN (SELECT ${keyHash(b.key)} AS k, ${value} ` +
        `AS v FROM ${loss.table} AS t) a ON a.k = b.k WHERE a.v IS DISTINCT FROM b.v${n}`;
    const lost = (await firstCount(client, keyed ? [keyed, multiset] : [multiset])) ?? null;
    if (lost === null) counted.push(loss);
    else if (lost > 0) counted.push({ ...loss, lost, exact: true });
  }
  return counted;
}

/** The count the first query that runs returns, each in a savepoint; null when none runs. */
async function firstCount(client: pg.Client, queries: string[]): Promise<number | null> {
  for (const sql of queries) {
    const inTransaction = await client.query('SAVEPOINT migrate_check_count').then(
      () => true,
      () => false,
    );
    try {
      const n = Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
      if (inTransaction) await client.query('RELEASE SAVEPOINT migrate_check_count');
      return n;
    } catch {
      if (inTransaction) await client.query('ROLLBACK TO SAVEPOINT migrate_check_count');
    }
  }
  return null;
}

/** Drops the temporary tables `fingerprintColumns` kept. */
export async function releaseFingerprints(client: pg.Client, fingerprints: Fingerprints): Promise<void> {
  for (const fp of fingerprints.values()) if (fp.rowHashes) await client.query(`DROP TABLE IF EXISTS ${fp.rowHashes}`);
}
