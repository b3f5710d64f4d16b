import type pg from 'pg';
import { ident, type ForeignKey, type SeedTable } from './catalog.ts';
import { parentRowsSql } from './parent-joins.ts';

/**
 * Fills a foreign key the INSERT left NULL (a nullable self-reference, the edge that broke a
 * cycle) once its parent has rows: each row with the key unset points at a parent row, every
 * 7th row stays NULL. Rows are numbered by physical position (tableoid, ctid), which is the
 * order the seeder inserted them in, so the result is the same on every server.
 * Returns a note for the report when it could not (a trigger or a unique key refused it).
 */
export async function backfillForeignKey(
  client: pg.Client,
  table: SeedTable,
  fk: ForeignKey,
  savepoint: string,
): Promise<string | null> {
  const cols = fk.columns.map((n) => ident(table.columns.find((c) => c.attnum === n)!.name));
  const keys = fk.parentColumns.map(ident);
  const count = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${fk.parent} WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')}`,
  );
  const rows = Number(count.rows[0]!.n);
  if (rows === 0) return `${fk.name} is NULL: ${fk.parent} has no rows`;
  // A self-reference points at the next row rather than the row itself.
  const pick = fk.parent === table.name ? `c.rn % ${rows} + 1` : `(c.rn - 1) % ${rows} + 1`;
  const sql = `UPDATE ${table.name} AS t SET ${cols.map((c, k) => `${c} = p.c${k}`).join(', ')}
FROM (SELECT tableoid AS toid, ctid AS tid, row_number() OVER (ORDER BY tableoid, ctid) AS rn FROM ${table.name}
      WHERE ${cols.map((c) => `${c} IS NULL`).join(' AND ')}) AS c
JOIN ${parentRowsSql(fk)} AS p ON p.rn = ${pick}
WHERE t.tableoid = c.toid AND t.ctid = c.tid AND c.rn % 7 <> 0`;
  await client.query(`SAVEPOINT ${savepoint}`);
  try {
    await client.query(sql);
    await client.query(`RELEASE SAVEPOINT ${savepoint}`);
    return null;
  } catch (error) {
    await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    return `${fk.name} left NULL: ${(error as Error).message}`;
  }
}
