import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ScratchDatabase, SessionSettings } from './database.ts';
import { onInterrupt } from './lifetime.ts';
import { applicationName, ownerMark, ownerTag } from './owner-mark.ts';
import { AdminLink, type Admin } from './admin-link.ts';
import { sessionLockTimeout } from '../timeouts.ts';

/**
 * `migrate_check_<purpose>_<owner>_<random>`: unique, recognisable, a valid unquoted identifier
 * of at most 63 bytes, naming the run that made it (see owner-mark.ts).
 */
export function scratchName(purpose: string): string {
  const slug = purpose
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(-20)
    .replace(/^_/, '');
  return `migrate_check_${slug ? slug + '_' : ''}${ownerTag()}_${randomBytes(4).toString('hex')}`;
}

/** The login role a run's migrations connect as, owning only the run's scratch databases. */
export interface RunRole {
  name: string;
  password: string;
}

/** `config` logging in as `role` (in a connection string, the user and password there yield to it). */
function asUser(config: pg.ClientConfig, role: RunRole): pg.ClientConfig {
  if (!config.connectionString) return { ...config, user: role.name, password: role.password };
  const url = new URL(config.connectionString);
  url.username = encodeURIComponent(role.name);
  url.password = encodeURIComponent(role.password);
  return { ...config, connectionString: url.toString() };
}

/** Marks a role created for the `role` setting, so that whichever run ends last drops it. */
const SHARED_ROLE_MARK = 'migrate-check: created for the `role` setting; the last run using it drops it';
/** One advisory lock key for creating, adopting and dropping `role` roles across concurrent runs. */
const ROLE_LOCK = 0x6d63726f; // "mcro"

async function locked<T>(admin: Admin, work: () => Promise<T>): Promise<T> {
  await admin.query('BEGIN');
  try {
    await admin.query('SELECT pg_advisory_xact_lock($1)', [ROLE_LOCK]);
    const result = await work();
    await admin.query('COMMIT');
    return result;
  } catch (error) {
    await admin.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Creates a scratch database through `admin` and returns it; disposing it drops it with
 * FORCE (PG13+), which ends any connection still open to it. The drop is registered before
 * CREATE DATABASE is sent, so an interrupt at any moment leaves no database behind.
 */
export async function createScratch(
  admin: Admin,
  purpose: string,
  clientConfig: (database: string) => pg.ClientConfig,
  runRole: RunRole | null = null,
  /** A database to start from: copied (`TEMPLATE`), or with `adopt`, renamed and used itself. */
  from: { template: string; adopt?: boolean } = { template: 'template0' },
): Promise<ScratchDatabase> {
  const name = scratchName(purpose);
  const usedRoles: string[] = [];
  let creating: Promise<unknown> = Promise.resolve();
  let dropping: Promise<void> | undefined;
  const drop = () =>
    (dropping ??= (async () => {
      unregister();
      await creating.catch(() => {});
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      for (const role of usedRoles) await dropSharedRole(admin, role).catch(() => {});
    })());
  const unregister = onInterrupt(drop);
  creating = admin.query(
    from.adopt
      ? `ALTER DATABASE ${pg.escapeIdentifier(from.template)} RENAME TO ${name}`
      : `CREATE DATABASE ${name} ${runRole ? `OWNER ${pg.escapeIdentifier(runRole.name)}` : ''} ` +
          `TEMPLATE ${pg.escapeIdentifier(from.template)} ENCODING 'UTF8'`,
  );
  try {
    await creating;
    await admin.query(`COMMENT ON DATABASE ${name} IS ${pg.escapeLiteral(ownerMark())}`);
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  let asRole: 'login' | 'set-role' | undefined;
  const open = async (config: pg.ClientConfig, settings: SessionSettings) => {
    const client = new pg.Client({
      ...config,
      statement_timeout: settings.statementTimeoutMs,
      lock_timeout: settings.lockTimeoutMs && sessionLockTimeout(settings.lockTimeoutMs),
      application_name: applicationName(),
    });
    // A server-side error on an idle connection (e.g. the database was dropped on Ctrl-C)
    // must not crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return client;
  };
  return {
    name,
    fresh: !from.adopt && from.template === 'template0',
    async connect(settings: SessionSettings = {}, as = 'migrations') {
      if (!runRole || as === 'admin') return open(clientConfig(name), settings);
      if (asRole !== 'set-role') {
        try {
          const client = await open(asUser(clientConfig(name), runRole), settings);
          asRole = 'login';
          return client;
        } catch (error) {
          // 28000/28P01: the server's pg_hba.conf does not let the run role log in (e.g. peer
          // authentication on a unix socket): work as the URL's user under SET ROLE instead.
          if (!['28000', '28P01'].includes((error as { code?: string }).code ?? '')) throw error;
          asRole = 'set-role';
        }
      }
      const client = await open(clientConfig(name), settings);
      await client.query(`SET ROLE ${pg.escapeIdentifier(runRole.name)}`);
      return client;
    },
    async adoptSchemas() {
      if (!runRole) return;
      const client = await open(clientConfig(name), {});
      try {
        // Schemas the prerequisites created belong to the migrations' role, as they would to a
        // deploy's migrator; extensions stay with the user who installed them.
        await client.query(`DO $$ DECLARE s name; BEGIN
          FOR s IN SELECT nspname FROM pg_namespace
                   WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
                     AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
            EXECUTE format('ALTER SCHEMA %I OWNER TO %I', s, ${pg.escapeLiteral(runRole.name)});
          END LOOP; END $$`);
      } finally {
        await client.end().catch(() => {});
      }
    },
    async useRole(role: string) {
      await giveDatabaseToRole(admin, name, role);
      usedRoles.push(role);
    },
    [Symbol.asyncDispose]: drop,
  };
}

/**
 * Makes `role` the owner of `database`, for the `role` setting: a role the server lacks is
 * created without login and marked as migrate-check's, so that the last run using it drops it.
 */
export async function giveDatabaseToRole(admin: Admin, database: string, role: string): Promise<void> {
  const quoted = pg.escapeIdentifier(role);
  await locked(admin, async () => {
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE ROLE ${quoted} NOLOGIN`);
      await admin.query(`COMMENT ON ROLE ${quoted} IS ${pg.escapeLiteral(SHARED_ROLE_MARK)}`);
    }
    await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(database)} OWNER TO ${quoted}`);
  });
}

/**
 * Drops a `role` role that migrate-check created, unless another run's scratch database still
 * belongs to it (that run drops it when it ends). A role the user made is never dropped.
 */
async function dropSharedRole(admin: Admin, role: string): Promise<void> {
  await locked(admin, async () => {
    const { rows } = await admin.query<{ mark: string | null; owns: boolean }>(
      `SELECT shobj_description(r.oid, 'pg_authid') AS mark,
              EXISTS (SELECT 1 FROM pg_database WHERE datdba = r.oid) AS owns
         FROM pg_roles r WHERE rolname = $1`,
      [role],
    );
    if (rows[0] && rows[0].mark === SHARED_ROLE_MARK && !rows[0].owns)
      await admin.query(`DROP ROLE ${pg.escapeIdentifier(role)}`);
  });
}

/**
 * The scratch databases of one server: creates them through the admin connection and drops
 * whatever is still open when the server goes away.
 */
export class ScratchPool {
  readonly #open = new Set<ScratchDatabase>();
  readonly #admin: Admin;
  readonly #clientConfig: (database: string) => pg.ClientConfig;
  readonly #runRole: RunRole | null;

  constructor(admin: pg.Client, clientConfig: (database: string) => pg.ClientConfig, runRole: RunRole | null = null) {
    this.#admin = new AdminLink(admin);
    this.#clientConfig = clientConfig;
    this.#runRole = runRole;
  }

  async create(purpose: string, from?: { template: string; adopt?: boolean }): Promise<ScratchDatabase> {
    const db = await createScratch(this.#admin, purpose, this.#clientConfig, this.#runRole, from);
    this.#open.add(db);
    const open = this.#open;
    return {
      name: db.name,
      fresh: db.fresh,
      connect: (settings, as) => db.connect(settings, as),
      adoptSchemas: () => db.adoptSchemas(),
      useRole: (role) => db.useRole(role),
      async [Symbol.asyncDispose]() {
        open.delete(db);
        await db[Symbol.asyncDispose]();
      },
    };
  }

  #closing: Promise<void> | undefined;

  /** Drops every database still open, then `after` (e.g. the run role), then closes the admin connection. */
  close(after?: (admin: Admin) => Promise<void>): Promise<void> {
    return (this.#closing ??= (async () => {
      for (const db of [...this.#open].reverse()) await Promise.resolve(db[Symbol.asyncDispose]()).catch(() => {});
      this.#open.clear();
      await after?.(this.#admin).catch(() => {});
      await this.#admin.end().catch(() => {});
    })());
  }
}
