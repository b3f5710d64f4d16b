import type { ExecUnit } from '../migration.ts';

export interface SplitOptions {
  /**
   * Whether a statement is a `COPY … FROM STDIN` whose data follows it in the script, as Flyway
   * and psql read it: the rest of the statement's last line is skipped, then every line up to one
   * that is `\.` (blanks around it allowed) is the unit's `copyData`, never SQL.
   */
  copyFromStdin?: (statement: string) => boolean;
}

/**
 * Splits a SQL script into statements the way a statement-by-statement runner (Flyway, psql)
 * does: at top-level semicolons, never inside a string ('…', E'…' with backslash escapes,
 * U&'…'), a quoted identifier ("…"), a dollar-quoted body ($$…$$, $fn$…$fn$), a comment
 * (-- … and nested /* … *\/), parentheses, or a SQL-standard function body
 * (BEGIN ATOMIC … END).
 *
 * Written here rather than taken from a library: the SQL parsers on npm either parse only a
 * subset of Postgres' grammar (and refuse valid migrations) or ship Postgres' own parser as a
 * multi-megabyte WebAssembly build; splitting needs only Postgres' lexical rules, which are
 * few and stable. split-oracle.test.ts holds it to Postgres' own parser (libpg-query) on the
 * shared corpus and on inputs chosen to break it.
 *
 * Each unit keeps its text from its first token (comments before it are left out) through its
 * semicolon, with the line and column where it starts; units holding only comments and blanks
 * are dropped.
 */
export function splitStatements(sql: string, startLine = 1, options: SplitOptions = {}): ExecUnit[] {
  const units: ExecUnit[] = [];
  let i = 0;
  let depth = 0;
  let atomic = 0; // open BEGIN ATOMIC blocks
  let hasCode = false; // the current statement has more than comments and blanks
  let codeStart = 0; // where its first token starts
  let words: string[] = []; // the last two keywords, to spot BEGIN ATOMIC / CASE … END
  const position = positionsIn(sql, startLine);

  const code = (at: number) => {
    if (!hasCode) codeStart = at;
    hasCode = true;
  };
  const emit = (end: number) => {
    if (hasCode) units.push({ sql: sql.slice(codeStart, end).trimEnd(), ...position(codeStart) });
    hasCode = false;
    words = [];
  };

  while (i < sql.length) {
    const c = sql[i]!;
    const afterComment = commentEnd(sql, i);
    if (afterComment >= 0) {
      i = afterComment;
      continue;
    }
    const tokenStart = i;
    if (c === "'" || c === '"') {
      i = quotedEnd(sql, i);
      code(tokenStart);
      continue;
    }
    const dollar = dollarQuote(sql, i);
    if (dollar) {
      i = dollar.end;
      code(tokenStart);
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[\w$]/.test(sql[j]!)) j++;
      const word = sql.slice(i, j).toUpperCase();
      words.push(word);
      if (words.length > 2) words.shift();
      if (word === 'ATOMIC' && words[0] === 'BEGIN') atomic++;
      // Inside BEGIN ATOMIC, CASE … END also closes with END.
      else if (atomic > 0 && word === 'CASE') atomic++;
      else if (atomic > 0 && word === 'END') atomic--;
      i = j;
      code(tokenStart);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0 && atomic === 0) {
      i++;
      const copy = hasCode && options.copyFromStdin?.(sql.slice(codeStart, i));
      emit(i);
      if (copy) i = readCopyData(sql, i, units.at(-1)!, units);
      continue;
    }
    if (!/\s/.test(c)) code(tokenStart);
    i++;
  }
  emit(sql.length);
  return units;
}

/**
 * Reads the data of the COPY statement `unit` (the last of `units`), which ended at `from`:
 * Flyway's PostgreSQLParser.readCopyData. Without a `\.` line the data runs to the end of the
 * script and the unit is marked `copyUnterminated` (Flyway's parser never returns then).
 */
function readCopyData(sql: string, from: number, unit: ExecUnit, units: ExecUnit[]): number {
  const lineEnd = (at: number) => {
    const k = sql.indexOf('\n', at);
    return k < 0 ? sql.length : k + 1;
  };
  const start = lineEnd(from);
  for (let at = start; at < sql.length; at = lineEnd(at)) {
    // Java's String.trim(): every character up to U+0020 is a blank.
    if (sql.slice(at, lineEnd(at)).replace(/^[\0- ]+|[\0- ]+$/g, '') === '\\.') {
      units[units.length - 1] = { ...unit, copyData: sql.slice(start, at) };
      return lineEnd(at);
    }
  }
  units[units.length - 1] = { ...unit, copyData: sql.slice(start), copyUnterminated: true };
  return sql.length;
}

/** Where a comment starting at `i` (`-- …` to the line's end, nested `/* … *\/`) ends; -1 when none starts there. */
export function commentEnd(sql: string, i: number): number {
  if (sql[i] === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end + 1;
  }
  if (sql[i] !== '/' || sql[i + 1] !== '*') return -1;
  let nest = 1;
  i += 2;
  while (i < sql.length && nest > 0) {
    if (sql[i] === '/' && sql[i + 1] === '*') nest++, (i += 2);
    else if (sql[i] === '*' && sql[i + 1] === '/') nest--, (i += 2);
    else i++;
  }
  return i;
}

/**
 * SQL with its comments left out and each run of spacing made one space (none at either end),
 * strings and quoted names kept as written: two function bodies that differ only in comments or
 * indentation do the same, and a statement reads on one line for a pattern.
 */
export function codeOnly(def: string): string {
  let out = '';
  let space = false; // spacing or a comment since the last character kept
  const keep = (text: string) => {
    out += (space && out ? ' ' : '') + text;
    space = false;
  };
  for (let i = 0; i < def.length; ) {
    const comment = commentEnd(def, i);
    if (comment >= 0) {
      space = true;
      i = comment;
    } else if (def[i] === "'" || def[i] === '"') {
      const end = quotedEnd(def, i);
      keep(def.slice(i, end));
      i = end;
    } else {
      if (/\s/.test(def[i]!)) space = true;
      else keep(def[i]!);
      i++;
    }
  }
  return out;
}

/**
 * Where the string ('…') or quoted identifier ("…") opening at `i` ends (just past its closing
 * quote). A doubled quote stands for itself; E'…' also allows backslash escapes (its prefix
 * letter is the character before `i`).
 */
export function quotedEnd(sql: string, i: number): number {
  const c = sql[i]!;
  const escapes = c === "'" && /[eE]$/.test(sql.slice(Math.max(0, i - 1), i)) && !/[\w$]/.test(sql[i - 2] ?? ' ');
  i++;
  while (i < sql.length) {
    if (escapes && sql[i] === '\\') i += 2;
    else if (sql[i] === c && sql[i + 1] === c) i += 2;
    else if (sql[i] === c) break;
    else i++;
  }
  return i + 1;
}

/**
 * The dollar-quoted body ($$…$$, $fn$…$fn$) opening at `i`: where its text starts and ends, and
 * where the quote ends; null when none opens there (`$1` parameters and identifiers such as
 * `a$b` are not dollar quotes).
 */
export function dollarQuote(sql: string, i: number): { bodyStart: number; bodyEnd: number; end: number } | null {
  if (sql[i] !== '$' || /[\w$]/.test(sql[i - 1] ?? ' ')) return null;
  const tag = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64));
  if (!tag) return null;
  const bodyStart = i + tag[0].length;
  const close = sql.indexOf(tag[0], bodyStart);
  return close < 0
    ? { bodyStart, bodyEnd: sql.length, end: sql.length }
    : { bodyStart, bodyEnd: close, end: close + tag[0].length };
}

/**
 * Maps offsets in `text` to 1-based lines (counted from `startLine`) and columns (counted in
 * characters, as Postgres counts positions).
 */
export function positionsIn(text: string, startLine = 1): (offset: number) => { line: number; column: number } {
  const lineStarts = [0];
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) lineStarts.push(k + 1);
  return (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: startLine + lo, column: Array.from(text.slice(lineStarts[lo], offset)).length + 1 };
  };
}

/** Whether the text holds anything but comments and blanks. */
export function hasStatements(sql: string): boolean {
  return splitStatements(sql).length > 0;
}
