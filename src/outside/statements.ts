import type { Script } from '../migration.ts';
import { commentEnd, dollarQuote, positionsIn, quotedEnd, splitStatements } from '../sql/split.ts';

/**
 * What a statement can reach beyond the database it runs in:
 * - `database`: other databases (CREATE / ALTER / DROP DATABASE, their grants and comments);
 * - `role`: cluster-wide roles and memberships;
 * - `settings`: the server's configuration (ALTER SYSTEM, reloading it);
 * - `tablespace`: directories on the server;
 * - `program`: a program run on the server (COPY … PROGRAM);
 * - `server-file`: files on the server (COPY to or from a file, pg_read_file, lo_import …);
 * - `connection`: other servers or databases (dblink, postgres_fdw, subscriptions);
 * - `server`: the server process itself (LOAD, ending other sessions, WAL and slots).
 */
export type ReachKind =
  | 'database'
  | 'role'
  | 'settings'
  | 'tablespace'
  | 'program'
  | 'server-file'
  | 'connection'
  | 'server';

export const REACH_KINDS: readonly ReachKind[] = [
  'database',
  'role',
  'settings',
  'tablespace',
  'program',
  'server-file',
  'connection',
  'server',
];
/** What reaches the machine the server runs on: programs, files, other servers. */
export const MACHINE_REACH: readonly ReachKind[] = ['program', 'server-file', 'connection'];

/** A statement that acts outside its database, located in its file. */
export interface Reach {
  kind: ReachKind;
  file: string;
  line: number;
  column: number;
  /** What it does, e.g. `DROP DATABASE` or `pg_read_file()`. */
  what: string;
  /** The statement, up to 200 characters. */
  text: string;
}

interface Token {
  /** Upper-cased word, or the punctuation itself; `'` for a string literal. */
  t: string;
  offset: number;
}

/** Functions whose call reaches the server's files, programs, other sessions or other servers. */
const FUNCTIONS: Record<string, ReachKind> = {
  PG_READ_FILE: 'server-file',
  PG_READ_BINARY_FILE: 'server-file',
  PG_LS_DIR: 'server-file',
  PG_LS_LOGDIR: 'server-file',
  PG_LS_WALDIR: 'server-file',
  PG_LS_TMPDIR: 'server-file',
  PG_LS_ARCHIVE_STATUSDIR: 'server-file',
  PG_STAT_FILE: 'server-file',
  LO_IMPORT: 'server-file',
  LO_EXPORT: 'server-file',
  PG_FILE_WRITE: 'server-file',
  PG_FILE_RENAME: 'server-file',
  PG_FILE_UNLINK: 'server-file',
  PG_FILE_SYNC: 'server-file',
  PG_LOGDIR_LS: 'server-file',
  DBLINK: 'connection',
  DBLINK_EXEC: 'connection',
  DBLINK_CONNECT: 'connection',
  DBLINK_CONNECT_U: 'connection',
  DBLINK_SEND_QUERY: 'connection',
  DBLINK_OPEN: 'connection',
  PG_TERMINATE_BACKEND: 'server',
  PG_CANCEL_BACKEND: 'server',
  PG_RELOAD_CONF: 'settings',
  PG_ROTATE_LOGFILE: 'server',
  PG_PROMOTE: 'server',
  PG_SWITCH_WAL: 'server',
  PG_CREATE_PHYSICAL_REPLICATION_SLOT: 'server',
  PG_CREATE_LOGICAL_REPLICATION_SLOT: 'server',
  PG_DROP_REPLICATION_SLOT: 'server',
};

const ROLE_WORDS = new Set(['ROLE', 'USER', 'GROUP']);
const SHARED_OBJECTS: Record<string, ReachKind> = { DATABASE: 'database', ROLE: 'role', TABLESPACE: 'tablespace' };
/** Words after which a PL/pgSQL body starts a new statement. */
const STARTS = new Set([';', 'THEN', 'ELSE', 'BEGIN', 'LOOP', 'EXCEPTION']);

/**
 * The tokens of `sql` that are code: words, punctuation and string literals (as `'`), with
 * comments and quoted identifiers left out. Dollar-quoted bodies (functions, DO blocks) are
 * code too: their tokens are included, so a function that reads a file is seen.
 */
function tokens(sql: string, base = 0, out: Token[] = []): Token[] {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const afterComment = commentEnd(sql, i);
    const dollar = afterComment < 0 ? dollarQuote(sql, i) : null;
    if (afterComment >= 0) {
      i = afterComment;
    } else if (c === "'" || c === '"') {
      // A quoted identifier stands for a name: keep it as a word so `DATABASE "x"` reads on.
      out.push({ t: c === "'" ? "'" : '"ident"', offset: base + i });
      i = quotedEnd(sql, i);
    } else if (dollar) {
      out.push({ t: ';', offset: base + dollar.bodyStart });
      tokens(sql.slice(dollar.bodyStart, dollar.bodyEnd), base + dollar.bodyStart, out);
      out.push({ t: ';', offset: base + dollar.bodyEnd });
      i = dollar.end;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[\w$\u0080-\uffff]/.test(sql[j]!)) j++;
      out.push({ t: sql.slice(i, j).toUpperCase(), offset: base + i });
      i = j;
    } else {
      if (!/\s/.test(c)) out.push({ t: c, offset: base + i });
      i++;
    }
  }
  return out;
}

/** What the statement starting at token `k` reaches, if anything. */
function statementReach(ts: Token[], k: number): { kind: ReachKind; what: string } | null {
  const w = (n: number) => ts[k + n]?.t ?? '';
  const verb = w(0);
  if ((verb === 'CREATE' || verb === 'ALTER' || verb === 'DROP') && w(1) === 'DATABASE')
    return { kind: 'database', what: `${verb} DATABASE` };
  if ((verb === 'CREATE' || verb === 'ALTER' || verb === 'DROP') && ROLE_WORDS.has(w(1)) && w(2) !== 'MAPPING') {
    return { kind: 'role', what: `${verb} ${w(1)}` };
  }
  if ((verb === 'CREATE' || verb === 'ALTER' || verb === 'DROP') && w(1) === 'TABLESPACE')
    return { kind: 'tablespace', what: `${verb} TABLESPACE` };
  if ((verb === 'CREATE' || verb === 'ALTER' || verb === 'DROP') && w(1) === 'SUBSCRIPTION')
    return { kind: 'connection', what: `${verb} SUBSCRIPTION` };
  if (verb === 'ALTER' && w(1) === 'SYSTEM') return { kind: 'settings', what: 'ALTER SYSTEM' };
  if (verb === 'LOAD') return { kind: 'server', what: 'LOAD' };
  if (verb === 'REASSIGN' && w(1) === 'OWNED')
    return { kind: 'database', what: 'REASSIGN OWNED (also hands over databases and tablespaces)' };
  if ((verb === 'COMMENT' || verb === 'SECURITY') && (w(2) in SHARED_OBJECTS || w(3) in SHARED_OBJECTS)) {
    const object = w(2) in SHARED_OBJECTS ? w(2) : w(3);
    return {
      kind: SHARED_OBJECTS[object]!,
      what: `${verb === 'COMMENT' ? 'COMMENT ON' : 'SECURITY LABEL ON'} ${object}`,
    };
  }
  if (verb === 'GRANT' || verb === 'REVOKE') {
    // GRANT … ON DATABASE / TABLESPACE changes a shared object; GRANT role TO role (no ON) a membership.
    let on = -1;
    for (let n = k + 1; n < ts.length && ts[n]!.t !== ';'; n++) {
      if (ts[n]!.t === 'ON') {
        on = n;
        break;
      }
      if (ts[n]!.t === 'TO' || ts[n]!.t === 'FROM') break;
    }
    if (on < 0) return { kind: 'role', what: `${verb} (role membership)` };
    const object = ts[on + 1]?.t ?? '';
    if (object === 'DATABASE' || object === 'TABLESPACE')
      return { kind: SHARED_OBJECTS[object]!, what: `${verb} … ON ${object}` };
    return null;
  }
  if (verb === 'COPY') {
    for (let n = k + 1; n < ts.length && ts[n]!.t !== ';'; n++) {
      if (ts[n]!.t !== 'TO' && ts[n]!.t !== 'FROM') continue;
      const target = ts[n + 1]?.t;
      if (target === 'PROGRAM') return { kind: 'program', what: `COPY … ${ts[n]!.t} PROGRAM` };
      if (target === "'") return { kind: 'server-file', what: `COPY … ${ts[n]!.t} a server file` };
    }
  }
  if ((verb === 'CREATE' || verb === 'ALTER') && (w(1) === 'SERVER' || (w(1) === 'FOREIGN' && w(2) === 'DATA'))) {
    for (let n = k + 1; n < ts.length && ts[n]!.t !== ';'; n++) {
      const word = ts[n]!.t;
      if (word === 'FILE_FDW') return { kind: 'server-file', what: 'a file_fdw server (reads server files)' };
      if (word === 'POSTGRES_FDW' || word === 'DBLINK_FDW')
        return { kind: 'connection', what: `a ${word.toLowerCase()} server (connects to other servers)` };
    }
  }
  return null;
}

/** Read once per script: the replay (refusing) and the check (reporting) both ask. */
const known = new WeakMap<Script, Reach[]>();

/** Every place in `script` that acts outside the database it runs in. */
export function reachOf(script: Script): Reach[] {
  let found = known.get(script);
  if (!found) known.set(script, (found = readReach(script)));
  return found;
}

function readReach(script: Script): Reach[] {
  const found: Reach[] = [];
  for (const unit of script.units) {
    for (const statement of splitStatements(unit.sql, unit.line)) {
      const ts = tokens(statement.sql);
      const at = positionsIn(statement.sql, statement.line);
      const add = (kind: ReachKind, what: string, offset: number) => {
        const where = at(offset);
        let column = where.line === statement.line ? where.column + statement.column - 1 : where.column;
        if (where.line === unit.line) column += unit.column - 1;
        found.push({
          kind,
          what,
          file: script.file,
          line: where.line,
          column,
          text: statement.sql.replace(/\s+/g, ' ').slice(0, 200),
        });
      };
      for (let k = 0; k < ts.length; k++) {
        const t = ts[k]!.t;
        if (k === 0 || STARTS.has(ts[k - 1]!.t)) {
          const reach = statementReach(ts, k);
          if (reach) add(reach.kind, reach.what, ts[k]!.offset);
        }
        const fn = FUNCTIONS[t];
        // A call of the built-in, not a user's function of the same name in another schema.
        const qualified = ts[k - 1]?.t === '.';
        if (fn && ts[k + 1]?.t === '(' && (!qualified || ts[k - 2]?.t === 'PG_CATALOG'))
          add(fn, `${t.toLowerCase()}()`, ts[k]!.offset);
      }
    }
  }
  return found;
}
