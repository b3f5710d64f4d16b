import pg from 'pg';

/**
 * `--statement-timeout` and `--lock-timeout` held from outside the migration's session. The
 * session starts with both set, but a migration may `SET statement_timeout = 0` (or raise
 * either): the guard then cancels the running query itself once it is past its time, through
 * Postgres' cancel request (which needs no privilege: the backend's secret key authorises it),
 * and ends the backend if a cancel is not enough.
 */
export interface Timeouts {
  statementMs?: number;
  lockMs?: number;
}

export type TimedOut = 'statement' | 'lock';

/**
 * The `lock_timeout` the migrations' connection starts with for a `--lock-timeout` of `ms`: one
 * or two milliseconds more, a value no one writes (never a whole second), so that the observer
 * tells migrate-check's own limit from one the migration or the team's setup set by its value
 * alone (reading its source from pg_settings cost 1 ms of every probe's 1.6 ms).
 */
export function sessionLockTimeout(ms: number): number {
  return (ms + 1) % 1000 === 0 ? ms + 2 : ms + 1;
}

/** How `current_setting('lock_timeout')` shows `sessionLockTimeout(ms)`. */
export function shownLockTimeout(ms: number): string {
  return `${sessionLockTimeout(ms)}ms`;
}

/** How long past a timeout the guard waits for Postgres' own timeout before it steps in. */
const GRACE_MS = 1_000;
/** How long a cancelled query may take to end before its backend is terminated. */
const TERMINATE_AFTER_MS = 5_000;

interface ClientInternals {
  processID: number | null;
  secretKey: number | null;
  host: string;
  port: number;
}

interface CancelConnection {
  connect(port: number | string, host?: string): void;
  cancel(processID: number, secretKey: number): void;
  end(): void;
  on(event: string, listener: () => void): void;
}

/** Sends Postgres' cancel request for whatever `client`'s backend is running. */
function cancelRequest(client: pg.Client): void {
  const { processID, secretKey, host, port } = client as unknown as ClientInternals;
  if (processID === null || secretKey === null) return;
  const con = new (pg as unknown as { Connection: new () => CancelConnection }).Connection();
  con.on('error', () => {});
  con.on('connect', () => {
    con.cancel(processID, secretKey);
    setTimeout(() => con.end(), 1_000).unref();
  });
  if (host?.startsWith('/')) con.connect(`${host}/.s.PGSQL.${port}`);
  else con.connect(port, host);
}

/**
 * Runs `query` on `client`, cancelling it when it runs past the statement timeout, or waits for
 * a lock past the lock timeout, after the migration switched Postgres' own limits off or raised
 * them. `observer` is another connection to the same server, idle while the query runs. Settles
 * as `query` does; `timedOut()` then says which limit the guard enforced, if any.
 */
export function guarded<T>(
  client: pg.Client,
  observer: pg.Client | null,
  limits: Timeouts,
  query: () => Promise<T>,
): { result: Promise<T>; timedOut: () => TimedOut | null } {
  let timedOut: TimedOut | null = null;
  let done = false;
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number, fn: () => void) => {
    if (!done) timers.push(setTimeout(fn, ms));
  };
  const pid = (client as unknown as ClientInternals).processID;
  const stop = (why: TimedOut) => {
    if (timedOut || done) return;
    timedOut = why;
    cancelRequest(client);
    later(TERMINATE_AFTER_MS, () => {
      if (observer && pid) observer.query('SELECT pg_terminate_backend($1)', [pid]).catch(() => {});
    });
  };
  if (limits.statementMs) later(limits.statementMs + GRACE_MS, () => stop('statement'));
  if (limits.lockMs && observer && pid) {
    const lockMs = limits.lockMs;
    const check = async () => {
      // NOTE: pg_locks.waitstart is Postgres 14+; on 13 the statement limit still ends the wait.
      const waited = await observer
        .query<{ ms: number | null }>(
          'SELECT extract(epoch FROM now() - min(waitstart)) * 1000 AS ms FROM pg_locks WHERE pid = $1 AND NOT granted',
          [pid],
        )
        .then(
          (r) => (r.rows[0]?.ms == null ? null : Number(r.rows[0].ms)),
          () => null,
        );
      if (waited !== null && waited >= lockMs) stop('lock');
      else later(1_000, () => void check());
    };
    later(lockMs + GRACE_MS, () => void check());
  }
  const result = query().finally(() => {
    done = true;
    for (const t of timers) clearTimeout(t);
  });
  return { result, timedOut: () => timedOut };
}
