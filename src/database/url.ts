import pg from 'pg';
import { DatabaseError, errorMessage } from '../errors.ts';
import type { Server } from './database.ts';
import { onInterrupt } from './lifetime.ts';
import { ScratchPool } from './scratch.ts';

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
 * A server the user names. migrate-check connects to the database in the URL only to create
 * and drop its own uniquely named scratch databases; every migration runs in one of those.
 */
export async function startUrl(url: string): Promise<Server> {
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error('not a postgres URL');
  } catch {
    throw new DatabaseError(
      `The database URL \`${redact(url)}\` is not a Postgres URL. Use the form postgres://user:password@host:5432/postgres.`,
    );
  }
  const clientConfig = (database: string): pg.ClientConfig => {
    const u = new URL(url);
    u.pathname = '/' + encodeURIComponent(database);
    return { connectionString: u.toString() };
  };

  const admin = new pg.Client({ connectionString: url, application_name: 'migrate-check', connectionTimeoutMillis: 15_000 });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    throw new DatabaseError(
      `Could not connect to ${redact(url)}: ${errorMessage(error)}. Check that the server is running and the URL is right, or leave --database-url out to use the embedded Postgres.`,
    );
  }
  const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  const major = Number.parseInt(version, 10);
  if (major < 13) {
    await admin.end();
    throw new DatabaseError(`${redact(url)} runs Postgres ${version}; migrate-check needs Postgres 13 or newer.`);
  }

  const pool = new ScratchPool(admin, clientConfig);
  const close = () => {
    unregister();
    return pool.close();
  };
  const unregister = onInterrupt(close);

  return {
    provider: 'url',
    version,
    async createDatabase(purpose) {
      try {
        return await pool.create(purpose);
      } catch (error) {
        throw new DatabaseError(
          `Could not create a scratch database on ${redact(url)}: ${errorMessage(error)}. ` +
            'The user in the URL needs the CREATEDB privilege (ALTER ROLE <user> CREATEDB), or leave --database-url out to use the embedded Postgres.',
        );
      }
    },
    [Symbol.asyncDispose]: close,
  };
}
