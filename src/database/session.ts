import pg from 'pg';
import { ConfigError, errorMessage } from '../errors.ts';

/** How the migrations' session is set up, as the team's runner sets up its connection. */
export interface MigrationSession {
  /** Run as this role (`SET SESSION AUTHORIZATION`; needs a superuser connection). */
  role?: string;
  /** The session's `search_path`. */
  searchPath?: string;
  /** Custom settings (GUCs), e.g. { "app.tenant": "x" }. */
  settings: Readonly<Record<string, string>>;
}

/**
 * The SQL that prepares a migrations connection: the role it runs as, then its search_path and
 * custom settings. A value Postgres refuses stops the run with the config key to fix.
 */
export function sessionSetup(session: MigrationSession): (client: pg.Client) => Promise<void> {
  return async (client) => {
    if (session.role) await client.query(`SET SESSION AUTHORIZATION ${pg.escapeIdentifier(session.role)}`);
    const values: [string, string][] = [
      ...(session.searchPath ? [['search_path', session.searchPath] as [string, string]] : []),
      ...Object.entries(session.settings),
    ];
    for (const [name, value] of values) {
      try {
        await client.query('SELECT set_config($1, $2, false)', [name, value]);
      } catch (error) {
        throw new ConfigError(
          `The setting \`${name}\` = ${JSON.stringify(value)} was refused by Postgres: ${errorMessage(error)}. ` +
            `Check \`${name === 'search_path' ? 'search-path' : 'settings'}\` in the config.`,
        );
      }
    }
  };
}
