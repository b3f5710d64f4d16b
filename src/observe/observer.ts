import type pg from 'pg';
import type { ExecUnit } from '../migration.ts';
import { splitStatements } from '../sql/split.ts';
import { probe, probeSql, probesIn, type Probe } from './probe.ts';
import { shownLockTimeout } from '../timeouts.ts';
import { isTable, kindOf, type RelationKind, type Tracked } from './relations.ts';

/** A lock a statement took on a relation that existed before the migration. */
export interface LockObservation {
  relation: string;
  /** What the relation is: its table's locks are the ones that block queries. */
  kind: RelationKind;
  /** The table it belongs to (itself for a table). */
  table: string;
  mode: string;
  /** From the start of the statement that took it to the end of its transaction. */
  heldMs: number;
  /** How many later statements ran while it was held. */
  heldAcross: number;
  /** The statement that took it read, rewrote or emptied the lock's table in full while holding it. */
  whileWorking: boolean;
  /** Rows in its table when the script started (the planner's count, exact after seeding). */
  rows: number;
}

/** What the server did for one statement, read from the migration's own backend. */
export interface StatementObservation {
  line: number;
  column: number;
  /** The statement's first 200 characters. */
  text: string;
  durationMs: number;
  locks: LockObservation[];
  /** Relations given a new storage file by a rewrite (the table, its indexes, its TOAST table). */
  rewrites: string[];
  /** The tables those relations belong to. */
  rewrittenTables: string[];
  /** Relations emptied into a new file by TRUNCATE (a new file, not a rewrite). */
  truncates: string[];
  /** Tables read in full (validation of a constraint, an index build, a backfill). */
  scans: string[];
  /** `lock_timeout` when the statement started ('0' = wait forever). */
  lockTimeout: string;
  /**
   * It ran outside any transaction block (CREATE INDEX CONCURRENTLY, VACUUM …): its locks ended
   * with it and are not read; rewrites are still seen.
   */
  outsideTransaction?: true;
}

/** How a unit is sent while observed: its text with a probe before and after each statement. */
export interface Plan {
  readonly sql: string;
  readonly statements: readonly ExecUnit[];
  /** Where each inserted probe starts in `sql`, and its length, in characters as Postgres counts them. */
  readonly insertions: readonly { readonly at: number; readonly length: number }[];
}

/**
 * Statements Postgres refuses inside a transaction block, transaction control, and code that may
 * COMMIT (a DO block, a procedure): sent as the runner sends them, never with probes around them
 * in the same query (which would make a block).
 */
const ON_ITS_OWN = new RegExp(
  String.raw`^(DO\b|CALL\b|CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|` +
    String.raw`REINDEX\b[^;]*\bCONCURRENTLY|REINDEX\s+(SCHEMA|DATABASE|SYSTEM)\b|VACUUM\b|CLUSTER\s*;?\s*$|` +
    String.raw`(CREATE|DROP)\s+(DATABASE|TABLESPACE)\b|ALTER\s+SYSTEM\b|(CREATE|ALTER|DROP)\s+SUBSCRIPTION\b|` +
    String.raw`DISCARD\b|BEGIN\b|START\s+TRANSACTION\b|COMMIT\b|END\b|ROLLBACK\b|ABORT\b|SAVEPOINT\b|RELEASE\b|` +
    String.raw`PREPARE\s+TRANSACTION\b|` +
    String.raw`ALTER\s+TABLE\b[\s\S]*\bDETACH\s+PARTITION\b[\s\S]*\bCONCURRENTLY\b)`,
  'i',
);

/**
 * Whether a statement must be sent on its own. A DO block may COMMIT only outside a transaction
 * block: one whose code ends no transaction (no COMMIT, ROLLBACK, or CALL of a procedure that
 * might) runs the same with probes around it, which then see the locks its statements hold
 * until it ends.
 */
function onItsOwn(sql: string): boolean {
  if (!ON_ITS_OWN.test(sql)) return false;
  return !/^DO\b/i.test(sql) || /\b(COMMIT|ROLLBACK|CALL)\b/i.test(sql);
}

const chars = (s: string) => Array.from(s).length;
const MAX_PROBED = 1000;

/**
 * The unit's statements with a probe before the first and after each, in one query text, so the
 * runner's one query stays one query in the same (implicit or enclosing) transaction; null when
 * the unit must be sent alone (see ON_ITS_OWN) or holds no statement.
 */
export function planUnit(unit: ExecUnit, probeText: string): Plan | null {
  if (unit.copyData !== undefined) return null;
  const statements = splitStatements(unit.sql, unit.line).map((s) =>
    s.line === unit.line ? { ...s, column: s.column + unit.column - 1 } : s,
  );
  // Past this many statements a unit is observed as a whole (probes before and after it only):
  // thousands of probes would cost more than they tell.
  if (statements.length > MAX_PROBED) return null;
  // A unit of several statements is one implicit block already; a single one becomes one only here.
  if (!statements.length || (statements.length === 1 && onItsOwn(statements[0]!.sql))) return null;
  const insertions: { at: number; length: number }[] = [];
  const parts: string[] = [];
  let length = 0; // of the text so far, in characters as Postgres counts them
  let cursor = 0;
  const add = (text: string) => {
    parts.push(text);
    length += chars(text);
  };
  const insert = (text: string) => {
    insertions.push({ at: length + 1, length: chars(text) });
    add(text);
  };
  insert(`${probeText};\n`);
  for (const statement of statements) {
    const start = unit.sql.indexOf(statement.sql, cursor);
    if (start < 0) return null;
    const end = start + statement.sql.length;
    add(unit.sql.slice(cursor, end));
    cursor = end;
    insert(`${statement.sql.endsWith(';') ? '' : '\n;'}\n${probeText};`);
  }
  parts.push(unit.sql.slice(cursor));
  return { sql: parts.join(''), statements, insertions };
}

/**
 * Units that no probe may come before in their transaction: `SET TRANSACTION` must be its
 * transaction's first query. They run unobserved, exactly as sent.
 */
export const unobservable = (unit: ExecUnit) =>
  /\bSET\s+TRANSACTION\b/i.test(unit.sql) || /^\s*(BEGIN|START\s+TRANSACTION)\s*(;\s*)?$/i.test(unit.sql);

/** A position Postgres reported in a plan's text, as a position in the unit's own text; null inside a probe. */
export function unitPosition(plan: Plan, position: number): number | null {
  let shift = 0;
  for (const { at, length } of plan.insertions) {
    if (position < at) break;
    if (position < at + length) return null;
    shift += length;
  }
  return position - shift;
}

interface Entry {
  statement: ExecUnit;
  before: Probe;
  after: Probe;
  /** Sent alone: before and after are separate queries outside its transaction. */
  alone: boolean;
  /** Storage files that changed while it ran (alone: read after it, by OID). */
  rewritten: number[];
}

const TRUNCATE = /^TRUNCATE\b/i;

/** The most rows counted in a table without statistics (its size for lock timings). */
const COUNT_LIMIT = 1_000_000;

/**
 * Observes one script of a migration (one step: an up, a down or the second up). Every relation
 * in `tracked` existed before the migration; nothing it creates itself is watched.
 */
export class ScriptObserver {
  readonly #client: pg.Client;
  readonly #tracked: Tracked;
  readonly #entries: Entry[] = [];
  /** Each tracked relation's storage file as last seen. */
  readonly #files = new Map<number, number | null>();
  /** Rows of each tracked table (by name) when the script started. */
  readonly #rows = new Map<string, number>();
  #aloneBefore: Probe | null = null;
  #commitMs: number | null = null;

  /** The probe's text for this script's tables. */
  readonly probe: string;

  /** `lockTimeoutMs`: migrate-check's own `--lock-timeout`, which the migration's session starts with. */
  constructor(client: pg.Client, tracked: Tracked, lockTimeoutMs?: number) {
    this.#client = client;
    this.#tracked = tracked;
    this.probe = probeSql(
      [...tracked.values()].filter(isTable).map((r) => r.oid),
      [...tracked.keys()],
      lockTimeoutMs ? shownLockTimeout(lockTimeoutMs) : undefined,
    );
  }

  /** Reads where each tracked relation's storage is now; call before the script runs. */
  async start(): Promise<void> {
    await this.#refreshFiles();
    const oids = [...this.#tracked.values()].filter(isTable).map((r) => r.oid);
    if (!oids.length) return;
    const { rows } = await this.#client.query<{ oid: string; rows: number; quoted: string; readable: boolean }>(
      `SELECT c.oid::int8 AS oid, c.reltuples::float8 AS rows, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS quoted,
              has_table_privilege(c.oid, 'SELECT') AS readable
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY($1::oid[])`,
      [oids],
    );
    // A table never analyzed (reltuples -1: filled by a migration, not by the seeding) is counted,
    // up to COUNT_LIMIT rows, where the session may read it: it is not empty because no statistics
    // say otherwise.
    const unknown = rows.filter((r) => r.rows < 0 && r.readable);
    const counted = new Map<string, number>();
    if (unknown.length) {
      const { rows: counts } = await this.#client.query<{ oid: string; rows: number }>(
        unknown
          .map(
            (r) =>
              `SELECT ${Number(r.oid)}::int8 AS oid, (SELECT count(*) FROM (SELECT FROM ${r.quoted} LIMIT ${COUNT_LIMIT}) s)::int8 AS rows`,
          )
          .join(' UNION ALL '),
      );
      for (const c of counts) counted.set(c.oid, Number(c.rows));
    }
    for (const r of rows)
      this.#rows.set(this.#tracked.get(Number(r.oid))!.name, Math.round(counted.get(r.oid) ?? Math.max(r.rows, 0)));
  }

  /**
   * Reads every tracked relation's storage file, and returns those given a new one since last
   * seen (a sequence's new file, after ALTER SEQUENCE … AS bigint, is one row, not a rewrite).
   */
  async #refreshFiles(): Promise<number[]> {
    const oids = [...this.#tracked.keys()];
    if (!oids.length) return [];
    const { rows } = await this.#client.query<{ oid: string; file: string | null }>(
      'SELECT o::int8 AS oid, pg_relation_filenode(o)::int8 AS file FROM unnest($1::oid[]) AS o',
      [oids],
    );
    const rewritten: number[] = [];
    for (const r of rows) {
      const oid = Number(r.oid);
      const file = r.file === null ? null : Number(r.file);
      if (
        this.#files.has(oid) &&
        file !== null &&
        this.#files.get(oid) !== file &&
        this.#tracked.get(oid)?.kind !== 'S'
      )
        rewritten.push(oid);
      this.#files.set(oid, file);
    }
    return rewritten;
  }

  /** Records the probes a planned unit returned. */
  planned(plan: Plan, result: pg.QueryResult | pg.QueryResult[]): void {
    const probes = probesIn(result);
    plan.statements.forEach((statement, i) => {
      const before = probes[i];
      const after = probes[i + 1];
      if (before && after)
        this.#entries.push({ statement, before, after, alone: false, rewritten: this.#rewrittenUnder(after) });
    });
  }

  /** Tracked relations locked at `after` whose storage file changed since last seen. */
  #rewrittenUnder(after: Probe): number[] {
    const rewritten = new Set<number>();
    for (const lock of after.locks) {
      const relation = this.#tracked.get(lock.oid);
      if (!relation || lock.filenode === null) continue;
      // A sequence's new file (ALTER SEQUENCE … AS bigint) is one row, not a table's rows.
      if (this.#files.get(lock.oid) !== lock.filenode && relation.kind !== 'S') rewritten.add(lock.oid);
      this.#files.set(lock.oid, lock.filenode);
    }
    return [...rewritten];
  }

  /** Before a unit sent on its own (not planned). */
  async beforeAlone(): Promise<void> {
    this.#aloneBefore = await probe(this.#client, this.probe);
  }

  /**
   * After a unit sent on its own succeeded. Inside the runner's transaction its locks are read
   * as any statement's; outside one they ended with it, and rewrites are found by reading every
   * tracked relation's file.
   */
  async afterAlone(unit: ExecUnit, inTransaction: boolean): Promise<void> {
    const before = this.#aloneBefore;
    this.#aloneBefore = null;
    if (!before) return;
    const after = await probe(this.#client, this.probe);
    if (inTransaction) {
      this.#entries.push({ statement: unit, before, after, alone: false, rewritten: this.#rewrittenUnder(after) });
      return;
    }
    this.#entries.push({ statement: unit, before, after, alone: true, rewritten: await this.#refreshFiles() });
  }

  /** The runner's COMMIT of a script it wrapped in one transaction took `ms`: locks still held were held until then. */
  committed(ms: number): void {
    this.#commitMs = ms;
  }

  /** The observations, in the order the statements ran. */
  finish(): StatementObservation[] {
    const commitMs = this.#commitMs;
    const entries = this.#entries;
    const duration = entries.map((e) => Math.max(0, e.after.t0 - e.before.t1));
    const holds = (e: Entry, oid: number, mode: string, side: 'before' | 'after') =>
      !e.alone && e[side].locks.some((l) => l.oid === oid && l.mode === mode);
    const name = (oid: number) => this.#tracked.get(oid)!.name;
    return entries.map((e, i) => {
      const truncating = TRUNCATE.test(e.statement.sql);
      const changed = e.rewritten.map(name);
      const scans: string[] = [];
      if (!e.alone) {
        for (const [oid, [count]] of e.after.scans) {
          const relation = this.#tracked.get(oid);
          if (!relation || !isTable(relation) || e.rewritten.includes(oid)) continue;
          if (count - (e.before.scans.get(oid)?.[0] ?? 0) > 0) scans.push(relation.name);
        }
      }
      const worked = new Set([...scans, ...e.rewritten.map((oid) => this.#tracked.get(oid)!.table)]);
      const locks: LockObservation[] = [];
      if (!e.alone) {
        const seen = new Set<string>();
        for (const lock of e.after.locks) {
          const key = `${lock.oid} ${lock.mode}`;
          if (!this.#tracked.has(lock.oid) || seen.has(key) || holds(e, lock.oid, lock.mode, 'before')) continue;
          seen.add(key);
          // Held through every later statement of the same transaction.
          let last = i;
          let heldMs = duration[i]!;
          while (
            last + 1 < entries.length &&
            holds(entries[last + 1]!, lock.oid, lock.mode, 'before') &&
            holds(entries[last + 1]!, lock.oid, lock.mode, 'after')
          ) {
            last++;
            heldMs += duration[last]!;
          }
          if (last === entries.length - 1 && commitMs !== null) heldMs += commitMs;
          const relation = this.#tracked.get(lock.oid)!;
          locks.push({
            relation: relation.name,
            kind: kindOf(relation),
            table: relation.table,
            mode: lock.mode,
            heldMs: round(heldMs),
            heldAcross: last - i,
            whileWorking: worked.has(relation.table),
            rows: this.#rows.get(relation.table) ?? 0,
          });
        }
      }
      return {
        line: e.statement.line,
        column: e.statement.column,
        text: Array.from(e.statement.sql).slice(0, 200).join(''),
        durationMs: round(duration[i]!),
        locks,
        rewrites: truncating ? [] : changed,
        rewrittenTables: truncating ? [] : [...new Set(e.rewritten.map((oid) => this.#tracked.get(oid)!.table))].sort(),
        truncates: truncating ? changed : [],
        scans: scans.sort(),
        lockTimeout: e.before.lockTimeout,
        ...(e.alone ? { outsideTransaction: true as const } : {}),
      };
    });
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
