import type pg from 'pg';
import { backfillForeignKey } from './backfill.ts';
import { fkKey, readSeedCatalog, type SeedTable } from './catalog.ts';
import { planTable, type Attempt, type TablePlan } from './insert-plan.ts';
import { orderTables } from './table-order.ts';
import { generatorFor } from './values.ts';

export interface SeedOptions {
  /** Rows to generate per table (fewer where a unique key's type cannot hold that many). */
  readonly rows: number;
  /**
   * Tables to fill, as qualified names (`schema.table`, quoted where needed); default every user table
   * but partitions, which fill through their parent.
   */
  readonly tables?: readonly string[];
  /** Tables the user's seed files filled: left as they are, and read as parents. */
  readonly skip?: readonly string[];
}

export interface SeededTable {
  readonly table: string;
  /** Rows inserted. */
  readonly rows: number;
  readonly ms: number;
  /** Why the table holds no generated rows; `code` is the SQLSTATE of the refusal. */
  readonly skipped?: { readonly reason: string; readonly code?: string };
  /** What was filled less than fully (a column left NULL, tamer values after a refusal). */
  readonly notes?: readonly string[];
}

export interface SeedResult {
  readonly tables: readonly SeededTable[];
  readonly ms: number;
}

const SAVEPOINT = 'migrate_check_seed';
const MAX_TRIES = 8;

/**
 * Fills existing tables with deterministic rows the current schema accepts, mixed with the
 * awkward values it still allows (NULLs, duplicates, empty and overlong strings, text that is
 * no number, boundary numbers, odd dates): the rows on which a migration that passes on empty
 * tables fails. Rows are made in the server, one INSERT … SELECT per table (insert-plan.ts).
 *
 * Each table's INSERT runs in a savepoint. When the server refuses it, the next try is tamer:
 * the columns a CHECK named take ordinary values, then no type extremes, then ordinary values
 * only, then keys past existing values, then NULL in checked columns; when every try fails the
 * table is skipped with the server's SQLSTATE and message. It never throws for a schema it
 * cannot fill. Outside a transaction it opens one and commits it; inside the caller's, it
 * leaves it open.
 */
export async function seedTables(client: pg.Client, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const { tables: all, types } = await readSeedCatalog(client);
  const skip = new Set(options.skip ?? []);
  const wanted = options.tables ? new Set(options.tables) : null;
  const targets = all.filter((t) => (wanted ? wanted.has(t.name) : t.partitionOf === null) && !skip.has(t.name));
  const results = new Map<string, SeededTable>();
  for (const name of options.skip ?? [])
    results.set(name, { table: name, rows: 0, ms: 0, skipped: { reason: 'filled by a seed file' } });

  const nullable = (t: SeedTable, attnum: number) => {
    const c = t.columns.find((x) => x.attnum === attnum)!;
    return !c.notNull && !generatorFor(c.type, c.typmod, types)?.notNull;
  };
  const { order, deferred, skipped } = orderTables(targets, nullable);
  for (const [table, reason] of skipped) results.set(table, { table, rows: 0, ms: 0, skipped: { reason } });

  const own = await openTransaction(client);
  // Sorts and hashes of 100,000 rows stay in memory (restored at the end, or with the transaction).
  const workMem = (await client.query<{ w: string }>(`SELECT current_setting('work_mem') AS w`)).rows[0]!.w;
  await client.query(`SELECT set_config('work_mem', '64MB', true)`);
  try {
    for (const table of order) {
      const t0 = performance.now();
      const outcome = await guarded(client, () => seedOne(client, table, options.rows, types, deferred));
      results.set(table.name, { table: table.name, ...outcome, ms: Math.round(performance.now() - t0) });
    }
    for (const table of order) {
      if (results.get(table.name)?.skipped) continue;
      for (const fk of table.foreignKeys) {
        if (!deferred.has(fkKey(table.name, fk))) continue;
        const note = await backfillForeignKey(client, table, fk, SAVEPOINT).catch(
          (e: unknown) => `${fk.name} left NULL: ${(e as Error).message}`,
        );
        if (note) {
          const r = results.get(table.name)!;
          results.set(table.name, { ...r, notes: [...(r.notes ?? []), note] });
        }
      }
    }
    await client.query(`SELECT set_config('work_mem', $1, true)`, [workMem]);
    if (own) await client.query('COMMIT');
  } catch (error) {
    if (own) await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
  const tables = [...results.values()].sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  return { tables, ms: Math.round(performance.now() - started) };
}

type Outcome = { rows: number; skipped?: { reason: string; code?: string }; notes: string[] };

async function seedOne(
  client: pg.Client,
  table: SeedTable,
  rows: number,
  types: Parameters<typeof generatorFor>[2],
  deferred: ReadonlySet<string>,
): Promise<Outcome> {
  const parentRows = new Map<string, number>();
  for (const fk of table.foreignKeys) {
    if (deferred.has(fkKey(table.name, fk)) || fk.parent === table.name) continue;
    const where = fk.parentColumns.map((c) => `"${c.replace(/"/g, '""')}" IS NOT NULL`).join(' AND ');
    const n = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${fk.parent} WHERE ${where}`);
    parentRows.set(fkKey(table.name, fk), Number(n.rows[0]!.n));
  }
  const plan = planTable(table, { rows, types, parentRows, deferred });
  if ('skip' in plan) return { rows: 0, skipped: { reason: plan.skip }, notes: [] };
  const existing = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table.name}`)).rows[0]!.n);

  let attempt: Attempt = { profile: 'adversarial', plainColumns: new Set(), nullColumns: new Set(), offset: existing };
  let lastError: unknown;
  for (let k = 0; k < MAX_TRIES; k++) {
    await client.query(`SAVEPOINT ${SAVEPOINT}`);
    try {
      const result = await client.query(plan.sql(attempt));
      const inserted = result.rowCount ?? 0;
      if (inserted === 0 && plan.rows(attempt) > 0) throw noRowPasses(plan.filtered);
      await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      // Statistics as production has them: plans, and reltuples for projections, see the rows.
      await client.query(`ANALYZE ${table.name}`);
      const short =
        plan.filtered.length > 0 && inserted < plan.rows(attempt)
          ? [`${inserted} rows of ${plan.rows(attempt)}: ${plan.filtered.join(', ')} refused the other candidates`]
          : [];
      return { rows: inserted, notes: [...plan.notes, ...describeAttempt(attempt, existing), ...short] };
    } catch (error) {
      await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      lastError = error;
      const next = tamer(attempt, error as pg.DatabaseError, plan);
      if (!next) break;
      attempt = next;
    }
  }
  return { rows: 0, skipped: refusal(lastError), notes: [...plan.notes] };
}

/** Runs `work` in a savepoint of its own, so that an unexpected refusal leaves the transaction usable. */
async function guarded(client: pg.Client, work: () => Promise<Outcome>): Promise<Outcome> {
  await client.query(`SAVEPOINT ${SAVEPOINT}_table`);
  try {
    const outcome = await work();
    await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}_table`);
    return outcome;
  } catch (error) {
    await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}_table`);
    return { rows: 0, skipped: refusal(error), notes: [] };
  }
}

/** The next, tamer try after the server refused `attempt` with `error`; null when none is left. */
function tamer(attempt: Attempt, error: pg.DatabaseError, plan: TablePlan): Attempt | null {
  const named = error.code === '23514' && error.constraint ? plan.checkColumns.get(error.constraint) : undefined;
  if (named && attempt.profile !== 'plain') {
    const added = named.filter((c) => !attempt.plainColumns.has(c));
    if (added.length > 0) return { ...attempt, plainColumns: new Set([...attempt.plainColumns, ...added]) };
  }
  if (named && attempt.profile === 'plain') {
    const added = named.filter((c) => plan.checkedColumns.has(c) && !attempt.nullColumns.has(c));
    if (added.length > 0) return { ...attempt, nullColumns: new Set([...attempt.nullColumns, ...added]) };
  }
  if (attempt.profile === 'adversarial') return { ...attempt, profile: 'moderate' };
  if (attempt.profile === 'moderate') return { ...attempt, profile: 'plain' };
  if (error.code === '23505' && attempt.offset < 1_000_000) return { ...attempt, offset: attempt.offset + 1_000_000 };
  const unset = [...plan.checkedColumns].filter((c) => !attempt.nullColumns.has(c));
  if (unset.length > 0) return { ...attempt, nullColumns: new Set([...attempt.nullColumns, ...unset]) };
  return null;
}

function describeAttempt(attempt: Attempt, existing: number): string[] {
  const notes: string[] = [];
  if (attempt.profile === 'moderate') notes.push('without the type extremes (the table refused them)');
  if (attempt.profile === 'plain') notes.push('ordinary values only (the table refused the awkward ones)');
  if (attempt.plainColumns.size > 0 && attempt.profile !== 'plain')
    notes.push(`ordinary values only in ${[...attempt.plainColumns].join(', ')} (a CHECK refused the others)`);
  if (attempt.nullColumns.size > 0)
    notes.push(`NULL in ${[...attempt.nullColumns].join(', ')} (a CHECK refused every value tried)`);
  if (attempt.offset > existing) notes.push('keys start past the existing ones');
  return notes;
}

/** The refusal when the CHECK constraints left none of the candidate rows. */
function noRowPasses(checks: readonly string[]): Error {
  return Object.assign(
    new Error(
      `no generated row satisfies ${checks.length === 1 ? 'check constraint' : 'check constraints'} ` +
        `${checks.map((c) => `"${c}"`).join(', ')}`,
    ),
    { code: '23514' },
  );
}

/** What the report says about a table the server would not take rows for. */
function refusal(error: unknown): { reason: string; code?: string } {
  const e = error as Partial<pg.DatabaseError> & Error;
  if (!e?.code) return { reason: e?.message ?? String(error) };
  const where = e.where?.split('\n').find((line) => /function/.test(line));
  const trigger =
    where && e.code !== '23514' && e.code !== '23505' && e.code !== '23503' ? ` (raised by ${where.trim()})` : '';
  return { reason: `${e.message}${trigger}`, code: e.code };
}

/** Opens a transaction unless one is open (a savepoint outside one fails with 25P01); true when it did. */
async function openTransaction(client: pg.Client): Promise<boolean> {
  try {
    await client.query(`SAVEPOINT ${SAVEPOINT}`);
    await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    return false;
  } catch (error) {
    if ((error as pg.DatabaseError).code !== '25P01') throw error;
    await client.query('BEGIN');
    return true;
  }
}
