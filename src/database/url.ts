import pg from 'pg';
import { DatabaseError, errorMessage } from '../errors.ts';
import type { Provider, Server } from './database.ts';
import { onInterrupt } from './lifetime.ts';
import { randomBytes } from 'node:crypto';
import { REACH_KINDS } from '../outside/statements.ts';
import { applicationName, ownerGone, ownerMark, ownerTag, sessionOwnerGone, taggedOwnerGone } from './owner-mark.ts';
import { ScratchPool, type RunRole } from './scratch.ts';

/** The URL with its password replaced, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/**
 * Why `url` is not a Postgres URL, naming where it came from (`DATABASE_URL`, `--database-url`),
 * or null when it is one.
 */
export function notPostgresUrl(url: string, from: string): string | null {
  try {
    if (/^postgres(ql)?:$/.test(new URL(url).protocol)) return null;
  } catch {}
  const fix = from === 'DATABASE_URL' ? ', or unset DATABASE_URL to use the embedded Postgres' : '';
  const form = 'postgres://user:password@host:5432/postgres';
  return `${from} \`${redact(url)}\` is not a Postgres URL. Use the form ${form}${fix}.`;
}

export interface UrlOptions {
  /**
   * The server is a throwaway one the tool started (a container): migrations run as the URL's
   * superuser, and what they do outside their database is reported, not refused.
   */
  throwaway?: boolean;
}

/**
 * Ends the server sessions of runs that are gone and waits until they have ended (up to 10 s):
 * a killed run's session goes on with its last command, and a CREATE DATABASE still running
 * would otherwise commit a database after the sweep had looked.
 */
async function endGoneSessions(admin: pg.Client): Promise<void> {
  const sessions = async () =>
    (
      await admin.query<{ pid: number; name: string | null }>(
        `SELECT pid, application_name AS name FROM pg_stat_activity
         WHERE application_name LIKE 'migrate-check p%' AND pid <> pg_backend_pid()`,
      )
    ).rows
      .filter((s) => sessionOwnerGone(s.name))
      .map((s) => s.pid);
  const ended: number[] = [];
  for (const pid of await sessions()) {
    // One at a time: a session the URL's user may not signal must not keep the others running.
    const ok = await admin.query('SELECT pg_terminate_backend($1)', [pid]).then(
      () => true,
      () => false,
    );
    if (ok) ended.push(pid);
  }
  const deadline = Date.now() + 10_000;
  while (ended.length && Date.now() < deadline) {
    const left = new Set(await sessions());
    if (!ended.some((pid) => left.has(pid))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Removes the scratch databases and run roles of runs that are gone (killed before they could). */
async function sweepGone(admin: pg.Client): Promise<void> {
  await endGoneSessions(admin);
  const { rows } = await admin.query<{ kind: string; name: string; mark: string | null }>(
    `SELECT 'database' AS kind, datname AS name, shobj_description(oid, 'pg_database') AS mark
     FROM pg_database WHERE datname LIKE 'migrate\_check\_%'
     UNION ALL
     SELECT 'role', rolname, shobj_description(oid, 'pg_authid')
     FROM pg_roles WHERE rolname LIKE 'migrate\_check\_run\_%'
     ORDER BY 1`,
  );
  for (const { kind, name, mark } of rows) {
    if (!ownerGone(mark) && !taggedOwnerGone(name)) continue;
    const sql =
      kind === 'database'
        ? `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`
        : `DROP ROLE IF EXISTS ${pg.escapeIdentifier(name)}`;
    await admin.query(sql).catch(() => {});
  }
}

/** The run's login role, and whether the URL's user that made it is a superuser. */
type MadeRunRole = RunRole & { superuser: boolean };

/**
 * The login role this run's migrations use, when the URL's user may create roles: no
 * superuser, no CREATEDB, no CREATEROLE, owner of nothing but the run's scratch databases.
 */
async function createRunRole(admin: pg.Client): Promise<MadeRunRole | null> {
  const [me] = (
    await admin.query<{ su: boolean; cr: boolean }>(
      'SELECT rolsuper AS su, rolcreaterole AS cr FROM pg_roles WHERE rolname = current_user',
    )
  ).rows;
  if (!me?.su && !me?.cr) return null;
  const role = {
    name: `migrate_check_run_${ownerTag()}_${randomBytes(4).toString('hex')}`,
    password: randomBytes(18).toString('base64url'),
    superuser: me.su,
  };
  const quoted = pg.escapeIdentifier(role.name);
  await admin.query(
    `CREATE ROLE ${quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE ` +
      `NOREPLICATION NOBYPASSRLS PASSWORD ${pg.escapeLiteral(role.password)}`,
  );
  await admin.query(`COMMENT ON ROLE ${quoted} IS ${pg.escapeLiteral(ownerMark())}`);
  // A CREATEROLE user (not superuser) must be a member to make the role own a database.
  if (!me.su) await admin.query(`GRANT ${quoted} TO CURRENT_USER`).catch(() => {});
  return role;
}

/**
 * A server the user names. migrate-check connects to the database in the URL only to create
 * and drop its own uniquely named scratch databases; every migration runs in one of those,
 * as a login role made for the run where the user may create one.
 */
export async function startUrl(url: string, options: UrlOptions = {}): Promise<Server> {
  const wrong = notPostgresUrl(url, 'The database URL');
  if (wrong) throw new DatabaseError(wrong);
  const clientConfig = (database: string): pg.ClientConfig => {
    const u = new URL(url);
    u.pathname = '/' + encodeURIComponent(database);
    return { connectionString: u.toString() };
  };

  const admin = new pg.Client({
    connectionString: url,
    application_name: applicationName(),
    connectionTimeoutMillis: 15_000,
  });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    throw new DatabaseError(
      `Could not connect to ${redact(url)}: ${errorMessage(error)}. Check that the server is ` +
        `running and the URL is right, or leave --database-url out to use the embedded Postgres.`,
    );
  }
  const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  const major = Number.parseInt(version, 10);
  if (major < 13) {
    await admin.end();
    throw new DatabaseError(`${redact(url)} runs Postgres ${version}; migrate-check needs Postgres 13 or newer.`);
  }

  let runRole: MadeRunRole | null = null;
  let pool: ScratchPool | undefined;
  const close = () => {
    unregister();
    return (pool ?? new ScratchPool(admin, clientConfig)).close(async (a) => {
      if (runRole) await a.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(runRole.name)}`);
    });
  };
  const unregister = onInterrupt(close);
  try {
    await sweepGone(admin);
    if (!options.throwaway) runRole = await createRunRole(admin);
  } catch (error) {
    await close();
    throw new DatabaseError(`Could not prepare ${redact(url)} for a run: ${errorMessage(error)}.`);
  }
  pool = new ScratchPool(admin, clientConfig, runRole);

  return {
    provider: 'url',
    version,
    refuses: options.throwaway ? [] : urlProvider.refuses,
    migrationsRole: runRole?.name ?? null,
    superuserAdmin: Boolean(runRole?.superuser),
    // A template only ever comes from a throwaway container's base state (container.ts): used
    // itself, renamed, unless it is to be copied.
    async createDatabase(purpose, template, options) {
      try {
        return await pool.create(purpose, template === undefined ? undefined : { template, adopt: !options?.copy });
      } catch (error) {
        throw new DatabaseError(
          `Could not create a scratch database on ${redact(url)}: ${errorMessage(error)}. ` +
            'The user in the URL needs the CREATEDB privilege (ALTER ROLE <user> ' +
            'CREATEDB), or leave --database-url out to use the embedded Postgres.',
        );
      }
    },
    [Symbol.asyncDispose]: close,
  };
}

/** A server the user names (`database-url`, `DATABASE_URL`): taken whenever a URL is given. */
export const urlProvider: Provider<'url'> = {
  kind: 'url',
  summary: 'a server of yours (database-url); migrate-check works in a scratch database it creates and drops',
  // Nothing may act outside the scratch database on a server the tool did not start.
  refuses: REACH_KINDS,
  chosen: ({ databaseUrl }) => Boolean(databaseUrl),
  start: (options) => startUrl(options.databaseUrl ?? ''),
};
