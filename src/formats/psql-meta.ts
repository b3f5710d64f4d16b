/** A psql meta-command found in a SQL file, with its 1-based line. */
export interface PsqlMeta {
  line: number;
  /** The backslash and the command's name, e.g. `\i`, `\set`, `\copy`. */
  command: string;
}

const IDENT = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const COPY_FROM_STDIN = /\bcopy\b[\s\S]*\bfrom\s+stdin\b/i;

/**
 * The first psql meta-command (`\i`, `\set`, `\connect`, `\c`, `\copy`, `\gexec`, `\if` …) that
 * starts a line (after blanks) outside strings, quoted identifiers, comments and dollar-quoted
 * bodies, or null. Migration tools send files to the server, which has no such commands; only
 * psql reads them.
 *
 * Not meta-commands: a backslash inside '…', E'…' (with its backslash escapes), "…", $tag$…$tag$,
 * -- and nested /* *\/ comments; and the data of a `COPY … FROM stdin` statement up to its `\.`
 * line (a data line may start with `\N`, the null marker).
 */
export function findPsqlMeta(sql: string): PsqlMeta | null {
  let i = 0;
  let line = 1;
  let lineStart = true; // only blanks since the last newline (outside quotes and comments)
  let statementStart = 0;
  /** Moves to `to`, counting the newlines passed. */
  const skipTo = (to: number) => {
    for (let k = i; k < to && k < sql.length; k++) if (sql[k] === '\n') line++;
    i = Math.min(to, sql.length);
  };
  const indexOr = (found: number, fallback: number) => (found < 0 ? fallback : found);

  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '\n') {
      line++;
      i++;
      lineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    const atLineStart = lineStart;
    lineStart = false;
    if (c === '\\') {
      const name = /\\(?:[A-Za-z]+\+?|[!?])/y;
      name.lastIndex = i;
      const found = name.exec(sql);
      if (atLineStart && found) return { line, command: found[0] };
      i++;
    } else if (c === '-' && next === '-') {
      skipTo(indexOr(sql.indexOf('\n', i), sql.length));
    } else if (c === '/' && next === '*') {
      let depth = 0;
      let k = i;
      do {
        if (sql.startsWith('/*', k)) (depth++, (k += 2));
        else if (sql.startsWith('*/', k)) (depth--, (k += 2));
        else k++;
      } while (depth > 0 && k < sql.length);
      skipTo(k);
    } else if (c === "'") {
      const escapes = /[Ee]/.test(sql[i - 1] ?? '') && !IDENT.test(sql[i - 2] ?? '');
      let k = i + 1;
      while (k < sql.length) {
        if (escapes && sql[k] === '\\') k += 2;
        else if (sql[k] === "'" && sql[k + 1] === "'") k += 2;
        else if (sql[k] === "'") break;
        else k++;
      }
      skipTo(k + 1);
    } else if (c === '"') {
      skipTo(indexOr(sql.indexOf('"', i + 1), sql.length) + 1);
    } else if (c === '$' && !IDENT.test(sql[i - 1] ?? '')) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql)?.[0];
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        skipTo(end < 0 ? sql.length : end + tag.length);
      } else i++;
    } else if (c === ';') {
      i++;
      if (COPY_FROM_STDIN.test(sql.slice(statementStart, i))) {
        // The data follows on the next line and ends at a line holding only `\.`.
        const end = /^[ \t]*\\\.[ \t\r]*$/m.exec(sql.slice(i));
        skipTo(end ? i + end.index + end[0].length : sql.length);
      }
      statementStart = i;
    } else {
      i++;
    }
  }
  return null;
}
