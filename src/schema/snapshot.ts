import type pg from 'pg';
import { CLEAR_CAPTURE, INSTALL_CAPTURE } from './capture.ts';
import {
  FULL_QUERY,
  ROOT_CATALOGS,
  ROOTS_QUERY,
  changesQuery,
  freshQuery,
  logReadQuery,
  readQuery,
} from './catalog-query.ts';
import { SchemaLineage } from './versions.ts';

const RESET = changesQuery(true);
const CHANGES = changesQuery();
const FRESH = freshQuery();

/**
 * The schema of a database just copied from template0, by the fingerprint of its catalogs
 * (`freshQuery`): read in full once per server, then known. Only a schema of objects below OID
 * 16384 (template0's `public`) is kept, since any other object's OID differs between databases.
 */
const FRESH_SCHEMAS = new Map<string, CatalogRow[]>();

/** A schema: object key (`table public.users`) → normalised definition. Order carries no meaning. */
export type Schema = ReadonlyMap<string, string>;

interface Entry {
  cat: string;
  key: string;
  def: string;
}

/** What the change log held, from the `log` row of `logReadQuery`. */
interface CaptureLog {
  pairs: [classid: number, objid: number][];
  pending: number;
  health: number;
  others: number;
  mark: string;
}

function logOf(rows: readonly CatalogRow[]): CaptureLog | undefined {
  const row = rows.find((r) => r.cat === 'log' && r.oid === 0);
  if (!row) return undefined;
  const [pending, health, others, mark, ...pairs] = row.key.split(' ');
  return {
    pairs: pairs.map((p) => p.split(':').map(Number) as [number, number]),
    pending: Number(pending),
    health: Number(health),
    others: Number(others),
    mark: mark!,
  };
}

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

/**
 * Planner settings for a session only the snapshots use, while they read the change log: each
 * read looks up the few objects a step named, by index. The reads' generic plans are made on the
 * first one, when the catalogs are small, and one made so kept scanning and hashing pg_depend and
 * pg_class as they grew: a read after a step took 7.7 ms at 3,000 migrations, 4.0 ms with these.
 */
const INDEX_LOOKUPS = 'SET enable_seqscan = off; SET enable_hashjoin = off; SET enable_mergejoin = off';
/** Back to the defaults, for the catalog scans (`changesQuery`), which read whole catalogs. */
const SCANS = 'RESET enable_seqscan; RESET enable_hashjoin; RESET enable_mergejoin';

/**
 * The catalogs a roundtrip fills with dead rows: up → down → up creates each object twice and drops
 * it once, so at any time about half their rows are dead, and every lookup by index walks past
 * them. Autovacuum did not visit the scratch database once in a 60 s run of 3,000 migrations
 * (pg_attribute: 26,000 live rows, 26,400 dead). On a session of the tracker's own, they are
 * vacuumed every VACUUM_EVERY steps with DDL (~20 ms at 3,000 migrations); catalog contents do
 * not change.
 */
const VACUUM_CHURNED =
  'VACUUM (SKIP_LOCKED) pg_catalog.pg_class, pg_catalog.pg_attribute, pg_catalog.pg_attrdef, ' +
  'pg_catalog.pg_depend, pg_catalog.pg_type, pg_catalog.pg_constraint, pg_catalog.pg_index, ' +
  'pg_catalog.pg_description, pg_catalog.pg_proc, pg_catalog.pg_trigger, pg_catalog.pg_rewrite, ' +
  'pg_catalog.pg_sequence';
const VACUUM_EVERY = 500;

/**
 * How many of the last steps with DDL name the catalogs a read of the change log reads in the same
 * round trip: a roundtrip's down mostly touches what its up did, and the up again exactly that. What
 * a step touches beyond them takes a second read.
 */
const RECENT_STEPS = 4;

/** A set of root catalogs as a short name, for its prepared statements. */
const catalogCode = (catalogs: readonly string[]) =>
  catalogs.map((c) => ROOT_CATALOGS.indexOf(c).toString(36)).join('');

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
 * Follows one database through a replay, re-reading after each step only the objects that
 * changed (and the objects that depend on those). A full read costs time in proportion to the
 * whole schema; this costs time in proportion to what the step touched.
 *
 * Where the connection is a superuser's, the database gets a change log written by event
 * triggers (capture.ts): a step without DDL then costs one read of an empty log. Elsewhere (a
 * server URL whose role is not superuser), or once a migration has removed the log, the changed
 * objects are found by the catalog rows written since the last snapshot (`changesQuery`).
 */
export class SchemaTracker {
  readonly #client: pg.Client;
  /** root OID → the objects hanging off it. */
  #objects = new Map<number, Entry[]>();
  /** object key → the root OID it hangs off. */
  readonly #owner = new Map<string, number>();
  /** What the read under way changed: key → definition (undefined: gone). */
  #pending = new Map<string, string | undefined>();
  /** The schemas so far, sharing what did not change from one to the next. */
  readonly #lineage = new SchemaLineage();
  #mark = '';
  #comments = new Set<string>();
  /** How changes are found: the change log, or catalog scans (null until the first reset). */
  #mode: 'events' | 'catalog' | null = null;
  /** Roots of event triggers, which the change log cannot follow: re-read every time. */
  #eventTriggers = new Set<number>();
  /** relation OID → the roots that belonged to it when last read (its indexes, constraints …). */
  readonly #children = new Map<number, Set<number>>();

  /** Whether the session is the tracker's alone (its planner settings are then the tracker's to change). */
  readonly #ownSession: boolean;
  #indexLookups = false;
  /** The root catalogs of what the last steps with DDL changed (at most RECENT_STEPS), oldest first. */
  readonly #recent: string[][] = [];
  /** The cluster digest read with the log (`watchCluster`), and its value at the last refresh. */
  #cluster: string | undefined;
  #clusterDigest: string | undefined;
  /** Steps with DDL read from the change log since the churned catalogs were last vacuumed. */
  #sinceVacuum = 0;

  /** How many steps with DDL between vacuums of the churned catalogs (own session only). */
  readonly #vacuumEvery: number;

  constructor(client: pg.Client, options: { ownSession?: boolean; vacuumEvery?: number } = {}) {
    this.#client = client;
    this.#ownSession = options.ownSession ?? false;
    this.#vacuumEvery = options.vacuumEvery ?? VACUUM_EVERY;
  }

  /** Reads everything, and sets the mark for the next `refresh`. */
  async reset(): Promise<Schema> {
    await this.#start();
    const { rows } = await this.#client.query<CatalogRow>({ name: 'migrate_check_reset', text: RESET, values: ['0'] });
    for (const oid of [...this.#objects.keys()]) this.#drop(oid);
    this.#apply(rows, true);
    return this.#commit();
  }

  /**
   * The first read of a database just copied from template0 (`ScratchDatabase.fresh`), before
   * anything runs in it: where a database of the same fingerprint was read before, its schema is
   * taken as known instead of read again (the catalog query's first run in a session took
   * 40–60 ms, about half of it planning; on a role that is not superuser, ~100 ms). What runs
   * afterwards is in the change log, or written since the mark, so `refresh` then reads it.
   */
  async resetFresh(): Promise<void> {
    await this.#start();
    const { rows } = await this.#client.query<{ fingerprint: string; mark: string }>({
      name: 'migrate_check_fresh',
      text: FRESH,
    });
    const known = FRESH_SCHEMAS.get(rows[0]!.fingerprint);
    if (!known) {
      await this.reset();
      const objects = [...this.#objects].flatMap(([oid, entries]) => entries.map((e) => ({ ...e, oid })));
      if (objects.every((o) => o.oid < 16384)) FRESH_SCHEMAS.set(rows[0]!.fingerprint, objects);
      return;
    }
    for (const oid of [...this.#objects.keys()]) this.#drop(oid);
    this.#mark = rows[0]!.mark;
    this.#comments = new Set();
    this.#add(known);
    this.#commit();
  }

  /** Installs the change log on first use (see the class comment), then empties it. */
  async #start(): Promise<void> {
    this.#mode ??= (await installCapture(this.#client)) ? 'events' : 'catalog';
    if (this.#mode === 'events') await this.#client.query(CLEAR_CAPTURE).catch(() => (this.#mode = 'catalog'));
    await this.#plan();
  }

  /** Index lookups while the change log is read, on a session of the tracker's own; the defaults otherwise. */
  async #plan(): Promise<void> {
    const wanted = this.#ownSession && this.#mode === 'events';
    if (wanted === this.#indexLookups) return;
    await this.#client.query(wanted ? INDEX_LOOKUPS : SCANS);
    this.#indexLookups = wanted;
  }

  /**
   * Reads `digest` (an SQL expression: outside/cluster.ts) with the change log from now on, in
   * the same round trip: `clusterDigest` then holds its value as of the last refresh.
   */
  watchCluster(digest: string): void {
    this.#cluster = digest;
  }

  /** The cluster digest read by the last refresh (see `watchCluster`); undefined where it read none. */
  get clusterDigest(): string | undefined {
    return this.#clusterDigest;
  }

  /** The schema now, re-reading only what changed since the last call. */
  async refresh(): Promise<Schema> {
    this.#clusterDigest = undefined;
    if (!this.#mark) return this.reset();
    if (this.#mode === 'events') return this.#fromLog();
    await this.#fromCatalog(this.#mark);
    return this.#commit();
  }

  /** The schema as last read. */
  get schema(): Schema {
    return this.#lineage.current;
  }

  async #fromLog(): Promise<Schema> {
    const since = this.#mark;
    // The log, with the objects it names in the catalogs the last steps with DDL touched, in one
    // round trip; a failed read (a migration dropped the log's table, or took away what the read
    // needs) finds no log, as a disabled log does.
    const expected = ROOT_CATALOGS.filter((catalog) => this.#recent.some((set) => set.includes(catalog)));
    const name = `migrate_check_log${expected.length ? `_${catalogCode(expected)}` : ''}`;
    const readLog = (cluster: string | undefined) =>
      this.#client
        .query<CatalogRow>({
          name: `${name}${cluster ? '_cluster' : ''}`,
          text: logReadQuery(expected, cluster),
          values: [since],
        })
        .then(
          (r) => r.rows,
          () => null,
        );
    let rows = await readLog(this.#cluster);
    // A digest this session cannot read is read by the watch itself from then on.
    if (!rows && this.#cluster) rows = await readLog((this.#cluster = undefined));
    rows ??= [];
    const log = logOf(rows);
    this.#clusterDigest = this.#cluster ? rows.find((r) => r.cat === 'cluster')?.key : undefined;
    if (log?.health !== 3) {
      // A migration removed or disabled the change log: read everything, and scan from now on.
      this.#mode = 'catalog';
      await this.#plan();
      return this.reset();
    }
    this.#mark = log.mark;
    const { pairs } = log;
    // Commands the log cannot name (GRANT …, an index build that failed part-way): scan as well.
    const rescan = log.pending > 0 || pairs.some(([classid]) => classid === 0);
    if (pairs.length === 0 && log.others === 0 && this.#eventTriggers.size === 0) {
      if (rescan) await this.#fromCatalog(since);
      return this.#commit();
    }
    const extra = new Map<string, string>();
    const objects: CatalogRow[] = [];
    for (const row of rows) {
      if (row.cat === 'log' || row.cat === 'roots' || row.cat === 'cluster' || row.cat.startsWith('ids:'))
        extra.set(row.cat, row.key);
      else objects.push(row);
    }
    const touched = ROOT_CATALOGS.filter((catalog) => extra.get(`ids:${catalog}`));
    if (touched.length) {
      this.#recent.push(touched);
      if (this.#recent.length > RECENT_STEPS) this.#recent.shift();
    }
    const more = await this.#read(
      touched.filter((catalog) => !expected.includes(catalog)),
      (catalog) => extra.get(`ids:${catalog}`)!.split(' ').map(Number),
    ).catch(() => null);
    if (!more) {
      // A migration took away what the read needs: read everything, and scan from now on.
      this.#mode = 'catalog';
      await this.#plan();
      return this.reset();
    }
    objects.push(...more);
    if (this.#ownSession && ++this.#sinceVacuum >= this.#vacuumEvery) {
      this.#sinceVacuum = 0;
      // Not needed for what is read: a vacuum that fails (a role that may not) is not retried.
      await this.#client.query(VACUUM_CHURNED).catch(() => (this.#sinceVacuum = -Infinity));
    }
    const roots = extra.get('roots')?.split(' ').map(Number) ?? [];
    const read = new Set(roots);
    // What belonged to a table that was read again, and is not among what was read, may have gone
    // without a trace in the log (an index rebuilt under a new OID by ALTER COLUMN … TYPE).
    const gone = new Set<number>();
    for (const oid of roots) {
      for (const child of this.#children.get(oid) ?? [])
        if (!read.has(child) && this.#objects.has(child)) gone.add(child);
      this.#children.delete(oid);
    }
    for (const oid of this.#eventTriggers) this.#drop(oid);
    this.#eventTriggers.clear();
    for (const oid of roots) this.#drop(oid);
    this.#add(objects);
    if (gone.size > 0) {
      const again = await this.#client.query<CatalogRow>({
        name: 'migrate_check_roots',
        text: ROOTS_QUERY,
        values: [[...gone]],
      });
      for (const oid of gone) this.#drop(oid);
      this.#add(again.rows);
    }
    if (rescan) await this.#fromCatalog(since);
    return this.#commit();
  }

  /**
   * The objects rooted at `ids(catalog)` in each of `catalogs` (root catalogs, in the order of
   * ROOT_CATALOGS), with one statement holding only those catalogs' branches: each set of catalogs
   * gets a prepared statement of its own.
   */
  async #read(catalogs: readonly string[], ids: (catalog: string) => number[]): Promise<CatalogRow[]> {
    if (catalogs.length === 0) return [];
    const name = `migrate_check_read_${catalogCode(catalogs)}`;
    const values = catalogs.map(ids);
    return (await this.#client.query<CatalogRow>({ name, text: readQuery(catalogs), values })).rows;
  }

  /** Re-reads the objects whose catalog rows were written since `since`. */
  async #fromCatalog(since: string): Promise<void> {
    const { rows } = await this.#client.query<CatalogRow>({
      name: 'migrate_check_changes',
      text: CHANGES,
      values: [since],
    });
    const roots =
      rows
        .find((r) => r.cat === 'roots')
        ?.key?.split(' ')
        .map(Number) ?? [];
    const catalogs = rows.find((r) => r.cat === 'catalogs')?.key?.split(' ') ?? [];
    const objects = await this.#read(
      ROOT_CATALOGS.filter((catalog) => catalogs.includes(catalog)),
      () => roots,
    );
    const removedComments = this.#apply([...rows, ...objects], false);
    if (removedComments.length > 0) {
      // A comment set to NULL deletes its row without touching the object: re-read those.
      const again = await this.#client.query<CatalogRow>({
        name: 'migrate_check_roots',
        text: ROOTS_QUERY,
        values: [removedComments],
      });
      for (const oid of removedComments) this.#drop(oid);
      this.#add(again.rows);
    }
  }

  /** Applies one result of `changesQuery`; returns OIDs whose comment rows disappeared. */
  #apply(rows: CatalogRow[], everything: boolean): number[] {
    const live = new Map<string, Set<number>>();
    const objects: CatalogRow[] = [];
    let comments = new Set<string>();
    for (const row of rows) {
      if (row.cat === 'mark') this.#mark = row.key;
      else if (row.cat === 'roots') for (const oid of row.key?.split(' ') ?? []) this.#drop(Number(oid));
      else if (row.cat === 'comments') comments = new Set(row.key ? row.key.split(' ') : []);
      else if (row.cat === 'catalogs') continue;
      else if (row.cat.startsWith('live:'))
        live.set(row.cat.slice(5), new Set(row.key ? row.key.split(' ').map(Number) : []));
      else objects.push(row);
    }
    // Objects that were re-read replace everything previously known under their root.
    for (const row of objects) this.#drop(row.oid);
    for (const [oid, entries] of this.#objects) {
      if (!entries.some((e) => live.get(e.cat)?.has(oid))) this.#drop(oid);
    }
    this.#add(objects);
    const removed = everything
      ? []
      : [...this.#comments]
          .filter((c) => !comments.has(c))
          .map((c) => Number(c.split('.')[0]))
          .filter((oid) => this.#objects.has(oid));
    this.#comments = comments;
    return [...new Set(removed)];
  }

  /** Forgets what hangs off `oid` (to be read again, or gone). */
  #drop(oid: number): void {
    const entries = this.#objects.get(oid);
    if (!entries) return;
    this.#objects.delete(oid);
    for (const e of entries) {
      if (this.#owner.get(e.key) !== oid) continue;
      this.#owner.delete(e.key);
      this.#pending.set(e.key, undefined);
    }
  }

  #add(rows: CatalogRow[]): void {
    for (const row of rows) {
      const previous = this.#owner.get(row.key);
      if (previous !== undefined && previous !== row.oid) {
        // The object moved to another root (an index rebuilt under a new OID): forget the old entry.
        const rest = this.#objects.get(previous)?.filter((e) => e.key !== row.key) ?? [];
        if (rest.length) this.#objects.set(previous, rest);
        else this.#objects.delete(previous);
      }
      const [cat, parent] = row.cat.split(':') as [string, string?];
      if (parent) {
        const children = this.#children.get(Number(parent)) ?? new Set();
        this.#children.set(Number(parent), children.add(row.oid));
      }
      const list = this.#objects.get(row.oid) ?? [];
      list.push({ cat, key: row.key, def: row.def ?? '' });
      this.#objects.set(row.oid, list);
      this.#owner.set(row.key, row.oid);
      this.#pending.set(row.key, row.def ?? '');
      if (row.cat === 'pg_event_trigger') this.#eventTriggers.add(row.oid);
    }
  }

  /** The new version of the schema (the same one when nothing changed). */
  #commit(): Schema {
    const version = this.#lineage.commit(this.#pending);
    this.#pending = new Map();
    return version;
  }
}

/**
 * Installs the change log (capture.ts) in the connected database, when the connection is a
 * superuser's (event triggers need one). False when it cannot be installed.
 */
async function installCapture(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ su: boolean }>(
    'SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user',
  );
  if (!rows[0]?.su) return false;
  return client.query(INSTALL_CAPTURE).then(
    () => true,
    () => false,
  );
}
