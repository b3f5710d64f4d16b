import pg from 'pg';

/**
 * What the migration's own backend holds and has done, read between two of its statements in
 * the same transaction (as eugene's tracer reads it): the relation locks it holds, the storage
 * file of each locked relation (a new one after a statement = the relation was rewritten), and
 * the transaction's pending scan counts per table. Read-only, constant text (it fits inside a
 * file sent as one query, where no parameters can be bound), and it takes no lock on any user
 * relation.
 *
 * Relations a statement rewrites or scans are locked by it until the transaction ends, so the
 * locked set is all the probe needs to look at. The scan counts (of the tables watched, their
 * OIDs written into the text) are the backend's pending statistics, which Postgres only flushes
 * outside a transaction: differences between two probes of one transaction are exact.
 */
export function probeSql(
  tables: readonly number[],
  watched: readonly number[],
  /** How the session shows migrate-check's own `lock_timeout` (timeouts.ts), when it has one. */
  ownLockTimeout?: string,
): string {
  // Scan counters of the tables watched only: reading them for every table costs ~1 ms per
  // probe on a schema of 600 tables (pg_stat_xact_user_tables ~5 ms).
  const oids = `'{${tables.join(',')}}'::oid[]`;
  // Locks on the watched relations only: what the migration creates is locked too, and listing
  // those locks after every statement of a file that creates hundreds of tables grows with each.
  const relations = `'{${watched.join(',')}}'::oid[]`;
  return (
    `SELECT 'migrate-check' AS migrate_check_probe, extract(epoch FROM clock_timestamp())::float8 * 1000 AS t0, ` +
    // The runner in production has no limit of migrate-check's, so only what the migration or the
    // team's setup set counts: migrate-check's own is told by its value.
    (ownLockTimeout
      ? `CASE current_setting('lock_timeout') WHEN ${pg.escapeLiteral(ownLockTimeout)} THEN '0' ` +
        `ELSE current_setting('lock_timeout') END AS lock_timeout, `
      : `current_setting('lock_timeout') AS lock_timeout, `) +
    `(SELECT coalesce(json_agg(json_build_array(l.relation::int8, l.mode, pg_relation_filenode(l.relation))), '[]') ` +
    `FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted ` +
    `AND l.relation = ANY (${relations}) ` +
    `AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())) AS locks, ` +
    `(SELECT coalesce(json_agg(json_build_array(s.o::int8, s.n, ` +
    `s.r)), '[]') FROM (SELECT o, pg_stat_get_xact_numscans(o) AS n, ` +
    `pg_stat_get_xact_tuples_returned(o) AS r FROM unnest(${oids}) AS o) s WHERE s.n > 0) AS scans, ` +
    `extract(epoch FROM clock_timestamp())::float8 * 1000 AS t1`
  );
}

export interface ProbeLock {
  readonly oid: number;
  readonly mode: string;
  readonly filenode: number | null;
}

/** One reading of the backend; `t0`/`t1` are the server's clock (ms) as the probe began and ended. */
export interface Probe {
  readonly t0: number;
  readonly t1: number;
  readonly lockTimeout: string;
  readonly locks: readonly ProbeLock[];
  /** table OID → [sequential scans, rows they read] pending in this backend. */
  readonly scans: ReadonlyMap<number, readonly [number, number]>;
}

interface ProbeRow {
  migrate_check_probe: string;
  t0: number;
  t1: number;
  lock_timeout: string;
  locks: [string | number, string, string | number | null][];
  scans: [string | number, string | number, string | number][];
}

export function toProbe(row: ProbeRow): Probe {
  return {
    t0: Number(row.t0),
    t1: Number(row.t1),
    lockTimeout: row.lock_timeout,
    locks: row.locks.map(([oid, mode, filenode]) => ({
      oid: Number(oid),
      mode,
      filenode: filenode === null ? null : Number(filenode),
    })),
    scans: new Map(row.scans.map(([oid, scans, read]) => [Number(oid), [Number(scans), Number(read)] as const])),
  };
}

/** The probes among the results of one query (a file sent whole returns one result per statement). */
export function probesIn(result: pg.QueryResult | pg.QueryResult[]): Probe[] {
  const results = Array.isArray(result) ? result : [result];
  return results
    .filter((r) => r?.fields?.[0]?.name === 'migrate_check_probe')
    .map((r) => toProbe(r.rows[0] as ProbeRow));
}

export async function probe(client: pg.Client, sql: string): Promise<Probe> {
  return probesIn(await client.query(sql))[0]!;
}
