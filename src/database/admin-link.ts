import pg from 'pg';
import { applicationName } from './owner-mark.ts';

/** What migrate-check asks of its administrative connection. */
export interface Admin {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  end(): Promise<void>;
}

interface ClientParameters {
  host: string;
  port: number;
  user: string;
  database: string;
  password?: string | (() => string | Promise<string>);
  ssl?: pg.ClientConfig['ssl'];
}

/**
 * The connection through which scratch databases are created and dropped, opened again when
 * it is lost: on a server the tool started, a migration may end it (`DROP DATABASE postgres
 * WITH (FORCE)`, `pg_terminate_backend`) and the tool must still clean up after it. When its
 * database is gone it reconnects to `template1`.
 */
export class AdminLink implements Admin {
  #client: pg.Client;
  #lost = false;
  #ended = false;
  /** Both reconnections timed out: the server takes connections and does not answer them. */
  #unanswered = false;
  /** The query under way (settled), which the next one waits for. */
  #turn: Promise<unknown> = Promise.resolve();
  readonly #parameters: ClientParameters;

  readonly #connectTimeoutMs: number;

  /** `connectTimeoutMs`: how long a reconnection waits for the server to answer. */
  constructor(client: pg.Client, connectTimeoutMs = 15_000) {
    this.#client = client;
    this.#connectTimeoutMs = connectTimeoutMs;
    const c = client as unknown as ClientParameters;
    this.#parameters = {
      host: c.host,
      port: c.port,
      user: c.user,
      database: c.database,
      password: c.password,
      ssl: c.ssl,
    };
    this.#watch(client);
  }

  #watch(client: pg.Client): void {
    const lose = () => {
      if (client === this.#client) this.#lost = true;
    };
    client.on('error', lose);
    client.on('end', lose);
  }

  async #live(): Promise<pg.Client> {
    if (!this.#lost || this.#ended || this.#unanswered) return this.#client;
    let timedOut = 0;
    for (const database of [this.#parameters.database, 'template1']) {
      const client = new pg.Client({
        ...this.#parameters,
        database,
        application_name: applicationName(),
        connectionTimeoutMillis: this.#connectTimeoutMs,
      });
      client.on('error', () => {});
      const started = performance.now();
      try {
        await client.connect();
      } catch {
        if (performance.now() - started >= this.#connectTimeoutMs - 100) timedOut++;
        await client.end().catch(() => {});
        continue;
      }
      this.#client = client;
      this.#lost = false;
      this.#watch(client);
      return client;
    }
    // A server that accepts connections and never answers (hung, or stopped): each later query
    // would wait the whole timeout again, once per scratch database; they fail at once instead.
    if (timedOut === 2) this.#unanswered = true;
    return this.#client;
  }

  /**
   * One query after the other, as directories replayed side by side ask for their databases at
   * once: a pg client queues them itself only until pg 9, which refuses a query sent while one runs.
   */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    const result = this.#turn.then(async () => (await this.#live()).query<R>(text, values));
    this.#turn = result.catch(() => {});
    return result;
  }

  async end(): Promise<void> {
    this.#ended = true;
    await this.#client.end().catch(() => {});
  }
}
