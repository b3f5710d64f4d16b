import type pg from 'pg';
import { FULL_QUERY, ROOTS_QUERY, changesQuery } from './catalog-query.ts';

const RESET = changesQuery(true);
const CHANGES = changesQuery();

/** A schema: object key (`table public.users`) → normalised definition. Order carries no meaning. */
export type Schema = ReadonlyMap<string, string>;

interface CatalogRow {
  cat: string;
  oid: number;
  key: string;
  def: string | null;
}

/**
 * Sets up a session for reading schemas. Run once on the snapshot connection (never the one
 * migrations run on):
 * - `search_path = ''` makes every name in definitions schema-qualified, as pg_dump does,
 *   so snapshots do not depend on session settings;
 * - generic plans spare the catalog queries their ~10 ms of planning per call;
 * - `jit = off`: servers built with JIT (Debian's packages, most images) would otherwise compile
 *   the big catalog query, which turns a 15 ms refresh into 800 ms on a large catalog; and no
 *   parallel workers, whose start-up costs more than a catalog read.
 */
export async function prepareInspector(client: pg.Client): Promise<void> {
  await client.query(
    `SET search_path = ''; SET plan_cache_mode = force_generic_plan; SET jit = off; ` +
      `SET max_parallel_workers_per_gather = 0`,
  );
}

/** Reads the whole schema of the connected database in one round trip. */
export async function readSchema(client: pg.Client): Promise<Schema> {
  const { rows } = await client.query<CatalogRow>({ name: 'migrate_check_full', text: FULL_QUERY });
  return new Map(rows.map((r) => [r.key, r.def ?? '']));
}

/** The schema as text, objects sorted by key: each key, then its definition indented. */
export function schemaText(schema: Schema): string {
  let out = '';
  for (const key of [...schema.keys()].sort()) {
    const def = schema.get(key)!;
    out += `${key}\n${def ? def.replace(/^/gm, '  ') + '\n' : ''}`;
  }
  return out;
}

/**
 * Follows one database through a replay, re-reading after each step only the objects whose
 * catalog rows changed (and the objects that depend on those). A full read costs time in
 * proportion to the whole schema; this costs time in proportion to what the step touched.
 */
export class SchemaTracker {
  readonly #client: pg.Client;
  /** root OID → the objects hanging off it. */
  #objects = new Map<number, { cat: string; key: string; def: string }[]>();
  #mark = '';
  #comments = new Set<string>();
  #schema: Schema = new Map();

  constructor(client: pg.Client) {
    this.#client = client;
  }

  /** Reads everything, and sets the mark for the next `refresh`. */
  async reset(): Promise<Schema> {
    const { rows } = await this.#client.query<CatalogRow>({ name: 'migrate_check_reset', text: RESET, values: ['0'] });
    this.#objects.clear();
    this.#apply(rows, true);
    return this.#schema;
  }

  /** The schema now, re-reading only what changed since the last call. */
  async refresh(): Promise<Schema> {
    if (!this.#mark) return this.reset();
    const { rows } = await this.#client.query<CatalogRow>({
      name: 'migrate_check_changes',
      text: CHANGES,
      values: [this.#mark],
    });
    const removedComments = this.#apply(rows, false);
    if (removedComments.length > 0) {
      // A comment set to NULL deletes its row without touching the object: re-read those.
      const again = await this.#client.query<CatalogRow>({
        name: 'migrate_check_roots',
        text: ROOTS_QUERY,
        values: [removedComments],
      });
      for (const oid of removedComments) this.#objects.delete(oid);
      this.#add(again.rows);
      this.#rebuild();
    }
    return this.#schema;
  }

  get schema(): Schema {
    return this.#schema;
  }

  /** Applies one result; returns OIDs whose comment rows disappeared. */
  #apply(rows: CatalogRow[], everything: boolean): number[] {
    const live = new Map<string, Set<number>>();
    const objects: CatalogRow[] = [];
    let comments = new Set<string>();
    for (const row of rows) {
      if (row.cat === 'mark') this.#mark = row.key;
      else if (row.cat === 'comments') comments = new Set(row.key ? row.key.split(' ') : []);
      else if (row.cat.startsWith('live:'))
        live.set(row.cat.slice(5), new Set(row.key ? row.key.split(' ').map(Number) : []));
      else objects.push(row);
    }
    // Objects that were re-read replace everything previously known under their root.
    for (const row of objects) this.#objects.delete(row.oid);
    for (const [oid, entries] of this.#objects) {
      if (!entries.some((e) => live.get(e.cat)?.has(oid))) this.#objects.delete(oid);
    }
    this.#add(objects);
    const removed = everything
      ? []
      : [...this.#comments]
          .filter((c) => !comments.has(c))
          .map((c) => Number(c.split('.')[0]))
          .filter((oid) => this.#objects.has(oid));
    this.#comments = comments;
    this.#rebuild();
    return [...new Set(removed)];
  }

  #add(rows: CatalogRow[]): void {
    for (const row of rows) {
      const list = this.#objects.get(row.oid) ?? [];
      list.push({ cat: row.cat, key: row.key, def: row.def ?? '' });
      this.#objects.set(row.oid, list);
    }
  }

  #rebuild(): void {
    const entries: [string, string][] = [];
    for (const list of this.#objects.values()) for (const e of list) entries.push([e.key, e.def]);
    this.#schema = new Map(entries);
  }
}
