import type pg from 'pg';
import type { ExecUnit, Script } from './migration.ts';
import { guarded, type TimedOut, type Timeouts } from './timeouts.ts';
import { splitStatements } from './sql/split.ts';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { planUnit, unitPosition, unobservable, type Plan, type ScriptObserver } from './observe/observer.ts';

/**
 * What a failure is, told once where it happens, so that each check reports the failures that
 * are its own and no check needs to know another's:
 * - `statement`: a statement failed on Postgres (sql-error), timeouts included;
 * - `inside-transaction`: a statement that cannot run inside a transaction block was sent
 *   inside one, SQLSTATE 25001 (transaction);
 * - `missing-extension`: the server has no such extension (missing-extension);
 * - `refused`: not run, it acts outside the scratch database (outside-database);
 * - `not-repeatable`: an up that applied once failed when applied again after its down (up-repeatable);
 * - `after-skipped`: a merged migration, applied up only, that failed after a migration the replay
 *   could not run (a goose Go migration): the replay went on without it (partial-replay).
 */
export type FailureKind =
  | 'statement'
  | 'inside-transaction'
  | 'missing-extension'
  | 'refused'
  | 'not-repeatable'
  | 'after-skipped';

/** active_sql_transaction: "… cannot run inside a transaction block". */
export const TRANSACTION_SQLSTATE = '25001';

/** A failed step, located in its file. */
export interface StepError {
  message: string;
  /** SQLSTATE, e.g. `42601`. */
  code: string;
  kind: FailureKind;
  /** For `missing-extension`: the extension the server does not have. */
  extension?: string;
  file: string;
  /** Where the failing statement is; null when it could not be told (never a guess). */
  line: number | null;
  column: number | null;
  /** Whether the error points inside the statement (Postgres' position), not only at its start. */
  located: boolean;
  detail?: string;
  hint?: string;
  where?: string;
  /** The object Postgres names in the error (constraint and data errors): `schema.table`, column, constraint. */
  table?: string;
  columnName?: string;
  constraint?: string;
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
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/** Maps a 1-based character position in `unit.sql` to a line and column of the file. */
export function locate(unit: ExecUnit, position: number): { line: number; column: number } {
  // Postgres counts characters, not UTF-16 code units.
  const before = Array.from(unit.sql)
    .slice(0, Math.max(0, position - 1))
    .join('');
  const lines = before.split('\n');
  const line = unit.line + lines.length - 1;
  const column = (lines.length === 1 ? unit.column - 1 : 0) + Array.from(lines.at(-1)!).length + 1;
  return { line, column };
}

/**
 * `CREATE EXTENSION x` on a server without x's files: PG 15 says `could not open extension
 * control file ".../x.control"` (58P01), PG 16+ `extension "x" is not available` (0A000).
 */
export function missingExtension(message: string): string | null {
  return (
    /^extension "([^"]+)" is not available/.exec(message)?.[1] ??
    /could not open extension control file ".*\/([^/"]+)\.control"/.exec(message)?.[1] ??
    null
  );
}

/**
 * The StepError of `error`, raised by the server for `file`: located in `unit` (the text sent) at
 * the server's position, else at `statement`, else nowhere (SQL the runner sends of its own).
 */
export function toStepError(
  error: unknown,
  file: string,
  unit: ExecUnit | null,
  statement: ExecUnit | null = unit,
): StepError {
  const e = error as PgError;
  const position = Number(e.position);
  const where =
    unit && position > 0
      ? locate(unit, position)
      : statement
        ? { line: statement.line, column: statement.column }
        : { line: null, column: null };
  const message = e.message ?? String(error);
  const code = e.code ?? 'XX000';
  const extension = missingExtension(message);
  return {
    message,
    code,
    kind: extension ? 'missing-extension' : code === TRANSACTION_SQLSTATE ? 'inside-transaction' : 'statement',
    ...(extension ? { extension } : {}),
    file,
    ...where,
    located: Boolean(unit) && position > 0,
    ...(e.detail ? { detail: e.detail } : {}),
    ...(e.hint ? { hint: e.hint } : {}),
    ...(e.where ? { where: e.where } : {}),
    ...(e.table ? { table: e.schema ? `${e.schema}.${e.table}` : e.table } : {}),
    ...(e.column ? { columnName: e.column } : {}),
    ...(e.constraint ? { constraint: e.constraint } : {}),
  };
}

/**
 * Runs a script the way its runner does. Returns null on success, or the error of the unit
 * that failed (after rolling back what the runner would roll back).
 */
export async function executeScript(
  client: pg.Client,
  script: Script,
  guard?: Guard,
  observer?: ScriptObserver,
): Promise<StepError | null> {
  const wrapped = script.transaction === 'wrapped';
  if (wrapped) await client.query('BEGIN');
  for (const unit of script.units) {
    if (!unit.sql.trim()) continue;
    // Observed, a unit goes as the same one query with read-only probes between its statements.
    // A unit no probe may precede runs unobserved, as sent.
    const watcher = observer && !unobservable(unit) ? observer : undefined;
    let plan = watcher ? planUnit(unit, watcher.probe) : null;
    const send = () => (plan ? client.query(plan.sql) : sendUnit(client, unit));
    const attempt = async () => {
      if (watcher && !plan) await watcher.beforeAlone();
      const run = guard
        ? guarded(client, guard.observer, guard.limits, send)
        : { result: send(), timedOut: () => null };
      try {
        const result = await run.result;
        if (watcher) await (plan ? watcher.planned(plan, result as pg.QueryResult) : watcher.afterAlone(unit, wrapped));
        return null;
      } catch (error) {
        return { error: located(error, plan), timedOut: run.timedOut() };
      }
    };
    let failure = await attempt();
    // A statement Postgres refuses in a transaction block, which the probes made one of: it did not
    // run (the refusal comes first), so it is sent again alone, as its runner sends it.
    if (failure && plan && !wrapped && (failure.error as PgError).code === '25001' && plan.statements.length === 1) {
      plan = null;
      failure = await attempt();
    }
    if (failure) {
      const { error, timedOut } = failure;
      // A failed implicit transaction is already rolled back by Postgres; a file that opened
      // its own BEGIN, or the runner's wrapper, leaves an aborted transaction to end.
      await client.query('ROLLBACK').catch(() => {});
      const position = Number((error as PgError).position);
      // In a wrapped script the earlier units were rolled back with the failing one.
      const earlier = wrapped ? script.units.slice(0, script.units.indexOf(unit)) : [];
      const cancelled = Boolean(timedOut) || CANCELLED.includes((error as PgError).code ?? '');
      const statement =
        position > 0 ? unit : await failingStatement(client, unit, earlier, (error as PgError).code, guard, cancelled);
      const failed = toStepError(error, script.file, unit, statement);
      return timedOut ? enforced(failed, timedOut, guard!.limits) : failed;
    }
  }
  if (wrapped) {
    const started = performance.now();
    await client.query('COMMIT');
    observer?.committed(performance.now() - started);
  }
  return null;
}

/** The error with its position in the unit's own text (the probes taken out). */
function located(error: unknown, plan: Plan | null): unknown {
  const position = Number((error as PgError).position);
  if (!plan || !(position > 0)) return error;
  const own = unitPosition(plan, position);
  const e = error as PgError;
  return { ...e, message: e.message, position: own === null ? undefined : String(own) };
}

/**
 * Sends one unit. `COPY … FROM STDIN` with data from the script goes through the COPY protocol
 * with that data, as Flyway's PostgreSQL driver sends it (pgjdbc's CopyManager.copyIn).
 */
function sendUnit(client: pg.Client, unit: ExecUnit): Promise<unknown> {
  if (unit.copyData === undefined) return client.query(unit.sql);
  return pipeline(Readable.from([unit.copyData]), client.query(copyFrom(unit.sql)));
}

/** Cancelled by a timeout: `statement_timeout` (or a cancel request), `lock_timeout`. */
const CANCELLED = ['57014', '55P03'];

/** Statements that end or open a transaction: re-running a unit holding one could commit it. */
const TRANSACTION_CONTROL =
  /^(BEGIN|COMMIT|END|ROLLBACK|ABORT|START\s+TRANSACTION|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION)\b/i;

/**
 * The statement of a multi-statement unit (a file sent as one query) that raised `code`, for
 * errors Postgres reports without a position ("relation … already exists"). The unit's
 * implicit transaction was rolled back, so its statements are run again one by one inside a
 * transaction that is rolled back too. Null when it cannot be told: the unit controls its own
 * transactions, it was `cancelled` by a timeout, or no statement fails the same way again.
 */
async function failingStatement(
  client: pg.Client,
  unit: ExecUnit,
  earlier: readonly ExecUnit[],
  code: string | undefined,
  guard?: Guard,
  cancelled = false,
): Promise<ExecUnit | null> {
  const statements = splitStatements(unit.sql, unit.line).map((s) =>
    s.line === unit.line ? { ...s, column: s.column + unit.column - 1 } : s,
  );
  if (statements.length <= 1) return statements.length ? unit : null;
  // A unit cancelled by a timeout is not run again to find its statement: that would take as long again.
  if (cancelled) return null;
  if ([...statements, ...earlier].some((s) => TRANSACTION_CONTROL.test(s.sql))) return null;
  let found: ExecUnit | null = null;
  try {
    await client.query('BEGIN');
    for (const before of earlier) await client.query(before.sql);
    for (const statement of statements) {
      const run = guard
        ? guarded(client, guard.observer, guard.limits, () => client.query(statement.sql))
        : { result: client.query(statement.sql) };
      try {
        await run.result;
      } catch (error) {
        if ((error as PgError).code === code) found = statement;
        break;
      }
    }
  } catch {
    found = null;
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
  return found;
}

const seconds = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000}min` : `${ms / 1000}s`);

/** A query migrate-check cancelled itself, said as what happened. */
function enforced(error: StepError, timedOut: TimedOut, limits: Timeouts): StepError {
  const limit =
    timedOut === 'statement'
      ? `the statement timeout (${seconds(limits.statementMs!)})`
      : `the lock timeout (${seconds(limits.lockMs!)})`;
  const setting = timedOut === 'statement' ? 'statement_timeout' : 'lock_timeout';
  return {
    ...error,
    code: timedOut === 'statement' ? '57014' : '55P03',
    timedOut,
    message:
      `${timedOut === 'statement' ? 'ran' : 'waited for a lock'} ` +
      `longer than ${limit} and was cancelled by migrate-check: ` +
      `the migration had switched Postgres' own ${setting} off or raised it (${error.message})`,
  };
}
