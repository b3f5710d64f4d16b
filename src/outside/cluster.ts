import type pg from 'pg';

/**
 * The cluster around a scratch database: roles and their memberships, databases, per-role and
 * per-database settings, tablespaces, comments on shared objects, and (where the session may
 * read them) the server's configuration files, which ALTER SYSTEM writes. A migration that
 * changes any of these acts outside its database.
 *
 * Each object is one line `<kind> <name>: <attributes>`, so two states compare line by line.
 * migrate-check's own scratch databases and run roles (`migrate_check_…`) are left out: they
 * come and go with this and other runs on the same server.
 */
function stateQuery(superuser: boolean, readsSettings: boolean): string {
  const own = (column: string) => `${column} NOT LIKE 'migrate\\_check\\_%'`;
  const parts = [
    `SELECT 'role ' || quote_ident(r.rolname) || ': ' || concat_ws(' ',
        CASE WHEN r.rolsuper THEN 'superuser' END, CASE WHEN r.rolcreaterole THEN 'createrole' END,
        CASE WHEN r.rolcreatedb THEN 'createdb' END, CASE WHEN r.rolcanlogin THEN 'login' ELSE 'nologin' END,
        CASE WHEN r.rolreplication THEN 'replication' END, CASE WHEN r.rolbypassrls THEN 'bypassrls' END,
        CASE WHEN NOT r.rolinherit THEN 'noinherit' END,
        CASE WHEN r.rolconnlimit <> -1 THEN 'connection limit ' || r.rolconnlimit END,
        CASE WHEN r.rolvaliduntil IS NOT NULL THEN 'valid until ' || r.rolvaliduntil END
        ${
          superuser
            ? `, CASE WHEN a.rolpassword IS NOT NULL THEN ` + `'password ' || left(md5(a.rolpassword), 8) END`
            : ''
        }) AS line
      FROM pg_roles r ${superuser ? 'LEFT JOIN pg_authid a ON a.oid = r.oid' : ''}
      WHERE ${own('r.rolname')}`,
    `SELECT 'membership ' || quote_ident(m.rolname) || ' in ' || quote_ident(g.rolname) || ': ' ||
        CASE WHEN am.admin_option THEN 'with admin option' ELSE 'member' END
      FROM pg_auth_members am JOIN pg_roles m ON m.oid = am.member JOIN pg_roles g ON g.oid = am.roleid
      WHERE ${own('m.rolname')} AND ${own('g.rolname')}`,
    `SELECT 'database ' || quote_ident(d.datname) || ': owner ' || quote_ident(pg_get_userbyid(d.datdba)) ||
        ' encoding ' || pg_encoding_to_char(d.encoding) || CASE WHEN d.datistemplate THEN ' template' ELSE '' END ||
        CASE WHEN NOT d.datallowconn THEN ' no connections' ELSE '' END ||
        CASE WHEN d.datconnlimit <> -1 THEN ' connection limit ' || d.datconnlimit ELSE '' END ||
        coalesce(' privileges ' || d.datacl::text, '')
      FROM pg_database d WHERE ${own('d.datname')}`,
    `SELECT 'setting ' || coalesce('for role ' || quote_ident(r.rolname), 'for every role') ||
        coalesce(' in database ' || quote_ident(d.datname), '') || ': ' || array_to_string(s.setconfig, ', ')
      FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole
        LEFT JOIN pg_database d ON d.oid = s.setdatabase
      WHERE coalesce(${own('r.rolname')}, true) AND coalesce(${own('d.datname')}, true)`,
    `SELECT 'tablespace ' || quote_ident(t.spcname) || ': owner ' || quote_ident(pg_get_userbyid(t.spcowner)) ||
        coalesce(' privileges ' || t.spcacl::text, '') ||
        coalesce(' options ' || array_to_string(t.spcoptions, ', '), '')
      FROM pg_tablespace t`,
    `SELECT 'comment on ' || CASE c.classoid WHEN 'pg_database'::regclass THEN 'database ' || quote_ident(d.datname)
        WHEN 'pg_authid'::regclass THEN 'role ' || quote_ident(r.rolname) ELSE 'shared object ' || c.objoid END ||
        ': ' || c.description
      FROM pg_shdescription c LEFT JOIN pg_database d ON d.oid = c.objoid LEFT JOIN pg_roles r ON r.oid = c.objoid
      WHERE coalesce(${own('d.datname')}, ${own('r.rolname')}, true)`,
  ];
  if (readsSettings) {
    parts.push(`SELECT 'server setting ' || name || ' in ' || regexp_replace(sourcefile, '^.*/', '') || ': ' ||
        coalesce(setting, '')
      FROM pg_file_settings`);
  }
  return parts.join('\nUNION ALL\n');
}

/** A line of a state whose object was added, removed or changed, said for a person. */
function describe(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [key, line] of after) {
    const old = before.get(key);
    if (old === undefined) changes.push(`created ${line}`);
    else if (old !== line)
      changes.push(
        `changed ${key} (was: ${old.slice(key.length + 2) || 'nothing'}; ` +
          `now: ${line.slice(key.length + 2) || 'nothing'})`,
      );
  }
  for (const [key, line] of before) if (!after.has(key)) changes.push(`removed ${line}`);
  return changes;
}

const keyOf = (line: string) => line.slice(0, line.indexOf(': ') < 0 ? line.length : line.indexOf(': '));

/**
 * Watches the cluster from `client` (any connection to the server): `changes()` returns what
 * changed since the previous call (or since `start`). A digest computed in the server keeps
 * the common case, nothing changed, to one small round trip.
 */
/**
 * As superuser, a change is told by each shared catalog's row count and newest row version
 * (`xmin`: every insert and update writes one) and a hash of the file ALTER SYSTEM writes (its
 * time, to the second, missed a setting made and reset within one second): about 0.3 ms a step,
 * where reading and hashing the state takes about 2 ms.
 */
const FAST_DIGEST = `SELECT concat_ws(' ', ${[
  'pg_authid',
  'pg_auth_members',
  'pg_database',
  'pg_db_role_setting',
  'pg_tablespace',
  'pg_shdescription',
]
  .map((t) => `(SELECT count(*) || '.' || coalesce(max(xmin::text::bigint), 0) FROM pg_catalog.${t})`)
  .join(', ')}, md5(coalesce(pg_catalog.pg_read_file('postgresql.auto.conf', 0, 100000000, true), ''))) AS d`;

export class ClusterWatch {
  readonly #client: pg.Client;
  #query = '';
  #digestQuery = '';
  #digest = '';
  #superuser = false;
  #state = new Map<string, string>();

  constructor(client: pg.Client) {
    this.#client = client;
  }

  async start(): Promise<void> {
    const { rows } = await this.#client.query<{ superuser: boolean; settings: boolean }>(
      `SELECT rolsuper AS superuser, rolsuper OR pg_has_role(current_user, 'pg_read_all_settings', 'USAGE') AS settings
         FROM pg_roles WHERE rolname = current_user`,
    );
    const superuser = Boolean(rows[0]?.superuser);
    this.#superuser = superuser;
    this.#query = stateQuery(superuser, Boolean(rows[0]?.settings));
    this.#digestQuery = superuser
      ? FAST_DIGEST
      : `SELECT md5(coalesce(string_agg(line, E'\\n' ORDER BY line), '')) AS d FROM (${this.#query}) s(line)`;
    await this.changes();
  }

  /**
   * The digest as an SQL expression another superuser session can read along with its own query
   * (the snapshots' change log), for `changes(digest)`; null where this session is not superuser
   * (its digest then hashes what it can see, which another role may not see alike).
   */
  get digest(): string | null {
    return this.#superuser ? `(${FAST_DIGEST})` : null;
  }

  /** What changed since the last call; `digest`, when given, is the value of `digest` read just now. */
  async changes(digest?: string): Promise<string[]> {
    digest ??= (
      await this.#client.query<{ d: string }>({ name: 'migrate_check_cluster_digest', text: this.#digestQuery })
    ).rows[0]!.d;
    if (digest === this.#digest) return [];
    const { rows } = await this.#client.query<{ line: string }>(
      `SELECT line FROM (${this.#query}) s(line) WHERE line IS NOT NULL ORDER BY line`,
    );
    const state = new Map(rows.map((r) => [keyOf(r.line), r.line]));
    const changes = this.#digest ? describe(this.#state, state) : [];
    this.#digest = digest;
    this.#state = state;
    return changes;
  }
}
