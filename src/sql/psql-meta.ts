import { commentEnd, dollarQuote, quotedEnd } from './split.ts';

/** A psql meta-command found in a SQL file, with its 1-based line. */
export interface PsqlMeta {
  line: number;
  /** The backslash and the command's name, e.g. `\i`, `\set`, `\copy`. */
  command: string;
}

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
      continue;
    }
    const comment = commentEnd(sql, i);
    const dollar = comment < 0 ? dollarQuote(sql, i) : null;
    if (comment >= 0) {
      // A line comment ends before its newline, which then starts the next line as usual.
      skipTo(next === '-' && sql[comment - 1] === '\n' ? comment - 1 : comment);
    } else if (c === "'" || c === '"') {
      skipTo(quotedEnd(sql, i));
    } else if (dollar) {
      skipTo(dollar.end);
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
