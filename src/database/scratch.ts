import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ScratchDatabase, SessionSettings } from './database.ts';
import { onInterrupt } from './lifetime.ts';

/** `mc_<purpose>_<random>`: unique, recognisable, a valid unquoted identifier. */
export function scratchName(purpose: string): string {
  const slug = purpose.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 30);
  return `migrate_check_${slug ? slug + '_' : ''}${randomBytes(5).toString('hex')}`;
}

/**
 * Creates a scratch database through `admin` and returns it; disposing it drops it with
 * FORCE (PG13+), which ends any connection still open to it.
 */
export async function createScratch(
  admin: pg.Client,
  purpose: string,
  clientConfig: (database: string) => pg.ClientConfig,
): Promise<ScratchDatabase> {
  const name = scratchName(purpose);
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  // One shared promise: Ctrl-C cleanup and normal disposal may both ask for the drop.
  let dropping: Promise<void> | undefined;
  const createdRoles: string[] = [];
  const drop = () =>
    (dropping ??= (async () => {
      unregister();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      // Another run may be using a role of the same name: it keeps it.
      for (const role of createdRoles) await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`).catch(() => {});
    })());
  const unregister = onInterrupt(drop);
  return {
    name,
    async connect(settings: SessionSettings = {}) {
      const client = new pg.Client({
        ...clientConfig(name),
        statement_timeout: settings.statementTimeoutMs,
        lock_timeout: settings.lockTimeoutMs,
        application_name: 'migrate-check',
      });
      // A server-side error on an idle connection (e.g. the database was dropped on Ctrl-C)
      // must not crash the process.
      client.on('error', () => {});
      await client.connect();
      return client;
    },
    async useRole(role: string) {
      const quoted = pg.escapeIdentifier(role);
      const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (exists.rowCount === 0) {
        try {
          await admin.query(`CREATE ROLE ${quoted} NOLOGIN`);
          createdRoles.push(role);
        } catch (error) {
          if ((error as { code?: string }).code !== '42710') throw error; // created meanwhile by another run
        }
      }
      await admin.query(`ALTER DATABASE ${name} OWNER TO ${quoted}`);
    },
    [Symbol.asyncDispose]: drop,
  };
}

/**
 * The scratch databases of one server: creates them through the admin connection and drops
 * whatever is still open when the server goes away.
 */
export class ScratchPool {
  readonly #open = new Set<ScratchDatabase>();
  readonly #admin: pg.Client;
  readonly #clientConfig: (database: string) => pg.ClientConfig;

  constructor(admin: pg.Client, clientConfig: (database: string) => pg.ClientConfig) {
    this.#admin = admin;
    this.#clientConfig = clientConfig;
  }

  async create(purpose: string): Promise<ScratchDatabase> {
    const db = await createScratch(this.#admin, purpose, this.#clientConfig);
    this.#open.add(db);
    const open = this.#open;
    return {
      name: db.name,
      connect: (settings) => db.connect(settings),
      useRole: (role) => db.useRole(role),
      async [Symbol.asyncDispose]() {
        open.delete(db);
        await db[Symbol.asyncDispose]();
      },
    };
  }

  #closing: Promise<void> | undefined;

  /** Drops every database still open, then closes the admin connection. */
  close(): Promise<void> {
    return (this.#closing ??= (async () => {
      for (const db of [...this.#open].reverse()) await Promise.resolve(db[Symbol.asyncDispose]()).catch(() => {});
      this.#open.clear();
      await this.#admin.end().catch(() => {});
    })());
  }
}
