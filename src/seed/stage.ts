import type pg from 'pg';
import type { Migration } from '../migration.ts';
import { isTable, type Tracked } from '../observe/relations.ts';
import {
  compareFingerprints,
  countChanges,
  fingerprintColumns,
  releaseFingerprints,
  type DataLoss,
  type Fingerprints,
} from './fingerprint.ts';
import { quote } from './scalar-values.ts';
import { seedTables, type SeededTable } from './seed-tables.ts';
import { tablesFilledBy, type SeedFile } from './seed-files.ts';

/** What the seeding did before one migration, for the report. */
export interface SeedingRecord {
  version: string;
  tables: SeededTable[];
  ms: number;
  /** The user's seed files run before this migration (`seed-files`), and the error of one that failed. */
  files?: SeedFileRun[];
}

/** One of the user's seed files as it ran: its error and the line it points at, when it failed. */
export interface SeedFileRun {
  file: string;
  error?: string;
  line?: number;
}

/**
 * Runs one of the user's seed files as the migrations run (their session, timeouts and refused
 * statements: a seed file comes with the pull request, as they do). Returns its error, or null.
 */
export type SeedFileRunner = (file: SeedFile) => Promise<{ message: string; line: number | null } | null>;

/**
 * The seeded-data stage of a replay: before each roundtripped migration, the existing tables it
 * touches (and the tables they reference) that are still empty get generated rows; the tables it
 * touches are fingerprinted; after its down, they are fingerprinted again and compared. It works
 * on the inspecting connection, never the migrations' own session, and seeds each table once: a
 * table seeded for one migration keeps its rows (and whatever later migrations do to them).
 */
export class DataStage {
  #client: pg.Client;
  readonly #rows: number;
  /** Tables the runner keeps its bookkeeping in: never given fake rows. */
  readonly #bookkeeping: Set<string>;
  /** Rows seeded per table, over the whole replay. */
  readonly seeded = new Map<string, number>();
  /** The tables the user's seed files filled, and the files that filled each. */
  readonly #filled = new Map<string, Set<string>>();
  readonly records: SeedingRecord[] = [];
  #before: Fingerprints | null = null;
  /**
   * `table.column type` of the touched tables after the up: a value is the down's to restore only where
   * the up removed or retyped its column.
   */
  #afterUp: Set<string> | null = null;

  /** The user's seed files not run yet, in the order they run. */
  readonly #files: SeedFile[];
  /** The versions of the migrations in the order they apply, to tell which seed files are due. */
  readonly #order: readonly string[];
  readonly #runFile: SeedFileRunner;

  constructor(
    client: pg.Client,
    rows: number,
    bookkeeping: string | undefined,
    files: readonly SeedFile[],
    order: readonly string[],
    runFile: SeedFileRunner,
  ) {
    this.#client = client;
    this.#runFile = runFile;
    this.#rows = rows;
    this.#files = [...files];
    this.#order = order;
    const name = bookkeeping && /CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w."]+)/i.exec(bookkeeping)?.[1];
    this.#bookkeeping = new Set(
      name ? [name.includes('.') ? name.replace(/"/g, '') : `public.${name.replace(/"/g, '')}`] : [],
    );
  }

  /**
   * Seeds and fingerprints what `m` touches, before its first up: the tables in `tracked` (those
   * that existed before it and that its up or down names). Returns the tables seeded now.
   */
  async before(m: Migration, tracked: Tracked): Promise<string[]> {
    this.#before = null;
    // Seed files of the base and of the migrations applied before this one run first: the tables
    // they fill are no longer empty, so the generator leaves them alone.
    const at = this.#order.indexOf(m.version);
    const due = this.#files.filter((f) => f.after === null || this.#order.indexOf(f.after) < at);
    const ran: SeedFileRun[] = [];
    for (const file of due) {
      this.#files.splice(this.#files.indexOf(file), 1);
      const { tables: filled, result: error } = await tablesFilledBy(this.#client, () => this.#runFile(file));
      for (const table of filled) this.#filled.set(table, (this.#filled.get(table) ?? new Set()).add(file.path));
      ran.push({
        file: file.path,
        ...(error ? { error: error.message, ...(error.line ? { line: error.line } : {}) } : {}),
      });
    }
    // `tracked` holds the relations the migration's SQL names (see replay.ts, namesIn).
    const touched = [...tracked.values()]
      .filter((r) => isTable(r) && r.kind !== 'm' && !this.#bookkeeping.has(r.name))
      .map((r) => r.name);
    if (!touched.length) return [];
    const candidates = (await this.#client.query<{ name: string }>(FILL_CANDIDATES, [touched])).rows
      .map((r) => r.name)
      .filter((n) => !this.#bookkeeping.has(n));
    const empty = candidates.length
      ? (
          await this.#client.query<{ name: string }>(
            candidates.map((n) => `SELECT ${quote(n)} AS name WHERE NOT EXISTS (SELECT FROM ${n})`).join(' UNION ALL '),
          )
        ).rows.map((r) => r.name)
      : [];
    let now: string[] = [];
    if (!empty.length && ran.length) this.records.push({ version: m.version, tables: [], ms: 0, files: ran });
    if (empty.length) {
      const result = await seedTables(this.#client, { rows: this.#rows, tables: empty });
      this.records.push({
        version: m.version,
        tables: [...result.tables],
        ms: Math.round(result.ms),
        ...(ran.length ? { files: ran } : {}),
      });
      now = result.tables.filter((t) => t.rows > 0).map((t) => t.table);
      for (const t of result.tables) if (t.rows > 0) this.seeded.set(t.table, t.rows);
    }
    this.#before = await fingerprintColumns(this.#client, touched, { keepRowHashes: true });
    return now;
  }

  /** Goes on in a rebuilt database (see replay's recover): nothing is seeded there yet. */
  moveTo(client: pg.Client): void {
    this.#client = client;
    this.seeded.clear();
    this.#filled.clear();
    this.#before = null;
  }

  /** Whether the tables `m` touches hold rows now (seeded or not). */
  get hasRows(): boolean {
    return [...(this.#before?.values() ?? [])].some((f) => f.rows > 0);
  }

  /** The user's seed files whose rows are in the tables `m` touches (the rest of its rows are generated). */
  get seedFilesInUse(): string[] {
    const tables = [...(this.#before?.entries() ?? [])].filter(([, f]) => f.rows > 0).map(([table]) => table);
    return [...new Set(tables.flatMap((t) => [...(this.#filled.get(t) ?? [])]))].sort();
  }

  /**
   * Empties every table seeded so far (generated rows and the seed files' rows), for a step that
   * is tried again on empty tables.
   */
  async empty(): Promise<void> {
    const tables = [...new Set([...this.seeded.keys(), ...this.#filled.keys()])];
    if (tables.length) {
      const existing = (await this.#client.query<{ name: string }>(EXISTING, [tables])).rows.map((r) => r.name);
      if (existing.length) await this.#client.query(`TRUNCATE ${existing.join(', ')} CASCADE`);
    }
    this.seeded.clear();
    this.#filled.clear();
    await this.#release();
  }

  /** After the migration's up: which columns it left in place (their values are its own to change). */
  async afterUp(): Promise<void> {
    const before = this.#before;
    if (!before || ![...before.values()].some((f) => f.rows > 0)) return;
    const { rows } = await this.#client.query<{ c: string }>(COLUMNS, [[...before.keys()]]);
    this.#afterUp = new Set(rows.map((r) => r.c));
  }

  /**
   * After the migration's down: the values of columns that existed before its up, that the up
   * removed (a dropped column or table, a changed type) and the down did not bring back.
   */
  async afterDown(): Promise<DataLoss[]> {
    const before = this.#before;
    if (!before || ![...before.values()].some((f) => f.rows > 0)) return [];
    const after = await fingerprintColumns(this.#client, [...before.keys()]);
    const kept = this.#afterUp ?? new Set<string>();
    const now = new Set((await this.#client.query<{ c: string }>(COLUMNS, [[...before.keys()]])).rows.map((r) => r.c));
    // A column the up left as it was (same type): what the up wrote into it (a backfill) is data, not loss.
    const untouched = new Set([...now].filter((c) => kept.has(c)).map((c) => c.slice(0, c.indexOf('\t'))));
    const tablesAfterUp = new Set([...kept].map((c) => c.slice(0, c.indexOf('\t')).split('\u0001')[0]));
    const losses = compareFingerprints(before, after).filter((l) =>
      l.column === null ? !tablesAfterUp.has(l.table) : !untouched.has(`${l.table}\u0001${l.column}`),
    );
    const counted = losses.length ? await countChanges(this.#client, before, losses) : [];
    await this.#release();
    return counted;
  }

  async #release(): Promise<void> {
    if (this.#before) await releaseFingerprints(this.#client, this.#before).catch(() => {});
    this.#before = null;
  }
}

/**
 * The tables named, and the tables they reference (recursively, to fill foreign keys), each with whether
 * it holds no rows.
 */
const FILL_CANDIDATES = `
WITH RECURSIVE wanted(oid) AS (
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE format('%I.%I', n.nspname, c.relname) = ANY($1::text[])
  UNION
  SELECT con.confrelid FROM pg_constraint con JOIN wanted w ON con.conrelid = w.oid WHERE con.contype = 'f'
)
SELECT format('%I.%I', n.nspname, c.relname) AS name
FROM wanted w JOIN pg_class c ON c.oid = w.oid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND c.relispartition = false`;

/** `schema.table` U+0001 column TAB type, for every column of the tables named. */
const COLUMNS = `SELECT format('%I.%I', n.nspname, c.relname) || chr(1) || a.attname || chr(9)
  || format_type(a.atttypid, a.atttypmod) AS c
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE format('%I.%I', n.nspname, c.relname) = ANY($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped`;

const EXISTING =
  `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace ` +
  `n ON n.oid = c.relnamespace WHERE format('%I.%I', n.nspname, c.relname) = ANY($1::text[])`;
