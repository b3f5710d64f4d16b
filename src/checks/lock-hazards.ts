import { codeOnly } from '../sql/split.ts';
import type { Step } from '../replay.ts';
import type { LockObservation, StatementObservation } from '../observe/observer.ts';

/**
 * What the hazard checks share: which steps are judged, how strong a lock is and what it blocks,
 * how a held time reads on the seeded rows and projected to production sizes, and the safe
 * recipe for a statement.
 */

/** The user's production sizes, to project what the replay measured on its rows. */
export interface Sizes {
  /** `table-sizes`: production row counts per table. */
  readonly production?: ReadonlyMap<string, number>;
}

/** Postgres' table lock modes, weakest first. */
const MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

export const strength = (mode: string) => MODES.indexOf(mode);
/** SHARE or stronger: conflicts with writes (ROW EXCLUSIVE), ACCESS EXCLUSIVE with reads too. */
export const blocksWrites = (mode: string) => strength(mode) >= strength('ShareLock');

/** `AccessExclusiveLock` → `ACCESS EXCLUSIVE`, as the docs and `LOCK TABLE` spell it. */
export const modeName = (mode: string) =>
  mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();

export const blocks = (mode: string) => (mode === 'AccessExclusiveLock' ? 'blocks reads and writes' : 'blocks writes');

/** The steps a deploy or a rollback runs: each migration's up, and its down (the second up repeats the first). */
export function judgedSteps(steps: readonly Step[] | undefined): (Step & { statements: StatementObservation[] })[] {
  return (steps ?? []).filter(
    (s): s is Step & { statements: StatementObservation[] } =>
      s.attempt === 1 && s.status !== 'skipped' && Boolean(s.statements?.length),
  );
}

/** The strongest lock of each table a statement took (its indexes' locks go with it). */
export function tableLocks(statement: StatementObservation): LockObservation[] {
  const strongest = new Map<string, LockObservation>();
  for (const lock of statement.locks) {
    if (lock.kind !== 'table') continue;
    const known = strongest.get(lock.relation);
    if (!known || strength(lock.mode) > strength(known.mode)) strongest.set(lock.relation, lock);
  }
  return [...strongest.values()];
}

const count = (n: number) => n.toLocaleString('en-US');

export function ms(value: number): string {
  if (value >= 60_000) return `${(value / 60_000).toFixed(1)} min`;
  if (value >= 1_000) return `${(value / 1_000).toFixed(1)} s`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

/**
 * `held 3.2 ms on 1,000 rows, ≈ 2.1 min at 40,000,000 rows (…)`, and the projection in ms;
 * `rows`: what the table held when the migration ran (seeded rows, and any the migrations wrote).
 */
export function timing(
  verb: string,
  value: number,
  table: string,
  rows: number,
  sizes: Sizes | undefined,
): { text: string; projectedMs: number | null } {
  const production = sizes?.production?.get(table);
  let text = `${verb} ${ms(value)} ${rows ? `on ${count(rows)} rows` : 'on an empty table'}`;
  let projectedMs: number | null = null;
  if (rows && production !== undefined) {
    projectedMs = (value * production) / rows;
    text +=
      `, ≈ ${ms(projectedMs)} at ${count(production)} rows ` + `(table-sizes, scaled linearly from the rows it ran on)`;
  }
  return { text, projectedMs };
}

/**
 * The statement as a code span for a message: its first line, cut at 80 characters. With
 * `focus` (the clause the message is about), an ALTER TABLE whose first 80 characters do not
 * show that clause shows `ALTER TABLE name … <clause>` instead.
 */
export function excerpt(statement: StatementObservation, focus?: readonly RegExp[]): string {
  const cut = (text: string) => `\`${text.length > 80 ? `${text.slice(0, 79)}…` : text}\``;
  const first = statement.text.split('\n')[0]!.trim().replace(/;$/, '');
  if (!focus) return cut(first);
  const line = codeOnly(statement.text).replace(/;$/, '');
  const head = /^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?[\w."]+/i.exec(line)?.[0];
  const clause = focus.map((f) => f.exec(line)).find(Boolean);
  if (!head || !clause || clause.index + clause[0].length <= Math.min(first.length, 79)) return cut(first);
  return cut(`${head} … ${clause[0].trim()}`);
}

/** The clauses of an ALTER TABLE that rewrite a table, the likeliest first: a column's new type, a new column (with a volatile default), … */
export const REWRITING_CLAUSE: readonly RegExp[] = [
  /\bALTER\s+(?:COLUMN\s+)?[\w"]+\s+(?:SET\s+DATA\s+)?TYPE\b[^,;]*/i,
  /\bSET\s+(?:UN)?LOGGED\b|\bSET\s+ACCESS\s+METHOD\b[^,;]*/i,
  /\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|FOREIGN\b|CHECK\b|EXCLUDE\b)[\w"]+\s[^,;]*/i,
];

/** The statement on one line, for the patterns below. */
const flat = (text: string) => text.replace(/\s+/g, ' ');
const has = (text: string, pattern: RegExp) => pattern.test(flat(text));

/**
 * The safe way to do what `statement` does, for the blocking lock it took. `noTransaction`:
 * how this migration's tool runs a migration outside a transaction.
 */
export function lockRecipe(text: string, noTransaction: string): string {
  if (has(text, /^CREATE (UNIQUE )?INDEX (?!CONCURRENTLY)/i))
    return (
      `Build the index with CREATE INDEX CONCURRENTLY, which does not block ` +
      `writes, in a migration that runs outside a transaction. ${noTransaction}`
    );
  const constraint = /\bADD\b.*\b(PRIMARY KEY|UNIQUE)\b/i.exec(flat(text));
  if (constraint)
    return (
      'Build a unique index with CREATE UNIQUE INDEX CONCURRENTLY first, in a migration that runs outside a ' +
      `transaction, then add the constraint with \`ADD CONSTRAINT … ${constraint[1]!.toUpperCase()} USING INDEX …\` ` +
      `in the next one. ${noTransaction}`
    );
  if (has(text, /\bFOREIGN KEY\b|\bREFERENCES\b/i) && !has(text, /\bNOT VALID\b/i))
    return (
      'Add the foreign key with NOT VALID (no scan, brief lock), then run `ALTER TABLE ' +
      '… VALIDATE CONSTRAINT …` in a later migration: it scans without blocking writes.'
    );
  if (has(text, /\bCHECK\b/i) && !has(text, /\bNOT VALID\b/i))
    return (
      'Add the check with NOT VALID, then run `ALTER TABLE … VALIDATE CONSTRAINT ' +
      '…` in a later migration: it scans without blocking reads or writes.'
    );
  if (has(text, /\bSET NOT NULL\b/i))
    return (
      'Add `CHECK (column IS NOT NULL) NOT VALID`, VALIDATE it in a later migration, then SET NOT ' +
      'NULL (Postgres 12 and later skip the scan when a valid check proves it) and drop the check.'
    );
  if (has(text, /\bTYPE\b/i) && has(text, /\bALTER\b.*\bCOLUMN\b|\bALTER TABLE\b.*\bALTER\b/i))
    return (
      'Add a new column of the new type, backfill it in batches, switch the application ' +
      'to it, then drop the old column, instead of changing the type in place.'
    );
  if (has(text, /^CREATE TRIGGER\b/i))
    return (
      'Create the trigger in a migration of its own with a short ' +
      '`lock_timeout`, so the write lock is held only for an instant.'
    );
  return (
    'Give the statement a migration of its own, set `lock_timeout` first, ' +
    'and keep the transaction short: the lock is held until it commits.'
  );
}

/** The cheaper way to get what a rewriting statement gets, where there is one. */
export function rewriteRecipe(text: string): string {
  if (has(text, /\bADD (COLUMN )?\S+ .*\b(GENERATED|SERIAL|BIGSERIAL|SMALLSERIAL)\b/i))
    return (
      'Add the column without the generated or serial default, ' +
      'backfill it in batches, then attach the default or sequence.'
    );
  if (has(text, /\bADD (COLUMN )?\S+ .*\bDEFAULT\b/i))
    return (
      'Add the column with a constant default (or none), which Postgres 11 and ' +
      'later store without a rewrite, then backfill computed values in batches.'
    );
  if (has(text, /\bSET (UN)?LOGGED\b/i))
    return (
      'Changing whether a table is logged always copies it: do it in a ' +
      'maintenance window, or create a new table and move the rows in batches.'
    );
  if (has(text, /^(CLUSTER|VACUUM FULL)\b/i))
    return 'Use pg_repack (or pg_squeeze), which reorganises a table without holding ACCESS EXCLUSIVE for the copy.';
  if (has(text, /^REINDEX\b/i)) return 'Use REINDEX … CONCURRENTLY, outside a transaction.';
  if (has(text, /\bTYPE\b/i))
    return (
      'Add a new column of the new type, backfill it in batches and switch to it; types Postgres can change ' +
      'without a rewrite (varchar(n) → text, a longer varchar, timestamp → timestamptz in UTC) need no copy.'
    );
  return 'Find a form of the change that Postgres makes in the catalog only, or move it to a maintenance window.';
}
