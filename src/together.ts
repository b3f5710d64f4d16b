import type pg from 'pg';
import { executeScript, type Guard, type StepError } from './execute.ts';
import type { Migration, Script } from './migration.ts';

/**
 * A deploy by a runner that applies every pending migration inside one transaction (drizzle's
 * migrator): what fails only then, such as a new enum value used by the next migration
 * ("unsafe use of new value"), fails here too.
 */
export interface TogetherResult {
  /** The migrations applied together, in order. */
  versions: string[];
  /** The failure, or null when they all applied. */
  error: StepError | null;
}

/**
 * Applies `earlier` one by one (deployed before), then the ups of `pending` inside one
 * transaction, as the runner does, on `client` (a database of its own, its prelude and the
 * runner's bookkeeping already run). The transaction is always rolled back: only whether it
 * applies matters.
 */
export async function applyTogether(
  client: pg.Client,
  earlier: readonly Migration[],
  pending: readonly Migration[],
  guard?: Guard,
): Promise<TogetherResult> {
  const versions = pending.filter((m) => m.up).map((m) => m.version);
  for (const m of earlier) {
    if (!m.up) continue;
    const error = await executeScript(client, m.up, guard);
    if (error) return { versions, error: null }; // the per-migration replay reports it
  }
  // The scripts' own wrappers are the one transaction now: each unit runs inside it.
  const inOne: Script[] = pending.flatMap((m) => (m.up ? [{ ...m.up, transaction: 'none' as const }] : []));
  await client.query('BEGIN');
  for (const script of inOne) {
    const error = await executeScript(client, script, guard);
    if (error) return { versions, error };
  }
  await client.query('ROLLBACK');
  return { versions, error: null };
}
