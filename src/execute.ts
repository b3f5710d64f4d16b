import type pg from 'pg';
import type { ExecUnit, Script } from './migration.ts';
import { guarded, type TimedOut, type Timeouts } from './timeouts.ts';

/** A failed step, located in its file. */
export interface StepError {
  message: string;
  /** SQLSTATE, e.g. `42601`. */
  code: string;
  file: string;
  line: number;
  column: number;
  /** Whether Postgres reported a position (false: `line` is where the failing unit starts). */
  located: boolean;
  detail?: string;
  hint?: string;
  where?: string;
  /** The limit migrate-check enforced itself because the migration had switched Postgres' off. */
  timedOut?: TimedOut;
}

/** `--statement-timeout` / `--lock-timeout`, enforced through `observer` (see timeouts.ts). */
export interface Guard {
  limits: Timeouts;
  observer: pg.Client | null;
}

interface PgError {
  message: string;
  code?: string;
  position?: string;
  detail?: string;
  hint?: string;
  where?: string;
}

/** Maps a 1-based character position in `unit.sql` to a line and column of the file. */
export function locate(unit: ExecUnit, position: number): { line: number; column: number } {
  // Postgres counts characters, not UTF-16 code units.
  const before = Array.from(unit.sql).slice(0, Math.max(0, position - 1)).join('');
  const lines = before.split('\n');
  const line = unit.line + lines.length - 1;
  const column = (lines.length === 1 ? unit.column - 1 : 0) + Array.from(lines.at(-1)!).length + 1;
  return { line, column };
}

function toStepError(error: unknown, script: Script, unit: ExecUnit): StepError {
  const e = error as PgError;
  const position = Number(e.position);
  const where = position > 0 ? locate(unit, position) : { line: unit.line, column: unit.column };
  return {
    message: e.message ?? String(error),
    code: e.code ?? 'XX000',
    file: script.file,
    ...where,
    located: position > 0,
    ...(e.detail ? { detail: e.detail } : {}),
    ...(e.hint ? { hint: e.hint } : {}),
    ...(e.where ? { where: e.where } : {}),
  };
}

/**
 * Runs a script the way its runner does. Returns null on success, or the error of the unit
 * that failed (after rolling back what the runner would roll back).
 */
export async function executeScript(client: pg.Client, script: Script, guard?: Guard): Promise<StepError | null> {
  const wrapped = script.transaction === 'wrapped';
  if (wrapped) await client.query('BEGIN');
  for (const unit of script.units) {
    if (!unit.sql.trim()) continue;
    const run = guard ? guarded(client, guard.observer, guard.limits, () => client.query(unit.sql)) : { result: client.query(unit.sql), timedOut: () => null };
    try {
      await run.result;
    } catch (error) {
      // A failed implicit transaction is already rolled back by Postgres; a file that opened
      // its own BEGIN, or the runner's wrapper, leaves an aborted transaction to end.
      await client.query('ROLLBACK').catch(() => {});
      const failed = toStepError(error, script, unit);
      const timedOut = run.timedOut();
      return timedOut ? enforced(failed, timedOut, guard!.limits) : failed;
    }
  }
  if (wrapped) await client.query('COMMIT');
  return null;
}

const seconds = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000}min` : `${ms / 1000}s`);

/** A query migrate-check cancelled itself, said as what happened. */
function enforced(error: StepError, timedOut: TimedOut, limits: Timeouts): StepError {
  const limit = timedOut === 'statement' ? `the statement timeout (${seconds(limits.statementMs!)})` : `the lock timeout (${seconds(limits.lockMs!)})`;
  const setting = timedOut === 'statement' ? 'statement_timeout' : 'lock_timeout';
  return {
    ...error,
    code: timedOut === 'statement' ? '57014' : '55P03',
    timedOut,
    message:
      `${timedOut === 'statement' ? 'ran' : 'waited for a lock'} longer than ${limit} and was cancelled by migrate-check: ` +
      `the migration had switched Postgres' own ${setting} off or raised it (${error.message})`,
  };
}
