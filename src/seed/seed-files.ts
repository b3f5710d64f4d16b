import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { commentEnd, dollarQuote, quotedEnd, splitStatements } from '../sql/split.ts';

/**
 * The user's own rows: SQL files in a seed directory, each run after the migration its name
 * points at. The naming rule:
 *
 * - `base.sql` runs once the base migrations (those that are only applied) have run;
 * - `<version>.sql`, or `<version>` followed by `_`, `-`, `.` or a space and anything, runs after
 *   the migration whose version is exactly `<version>` as its file name writes it (`0007`,
 *   `20240101120000`, `2.1`); when several versions match, the longest wins (`2.1_x.sql` is 2.1);
 * - files of one version run in name order; any other `.sql` file is reported as unmatched.
 *
 * The tables a file fills (its INSERT and COPY … FROM targets) keep their rows: the generator
 * leaves them alone.
 */

export interface SeedFile {
  readonly file: string;
  readonly path: string;
  /** The migration version it runs after; null for `base.sql`. */
  readonly after: string | null;
  readonly sql: string;
  /** Tables its INSERT and COPY … FROM statements name, as written (resolve them with `resolveTables`). */
  readonly targets: readonly string[];
}

/** Which migration each file name runs after (`null`: the base); names no version matches are `unmatched`. */
export function matchSeedFiles(
  names: readonly string[],
  versions: readonly string[],
): { matched: { file: string; after: string | null }[]; unmatched: string[] } {
  const matched: { file: string; after: string | null }[] = [];
  const unmatched: string[] = [];
  const byLength = [...new Set(versions)].sort((a, b) => b.length - a.length);
  for (const file of [...names].filter((n) => n.toLowerCase().endsWith('.sql')).sort()) {
    const stem = file.slice(0, -4);
    if (stem === 'base') {
      matched.push({ file, after: null });
      continue;
    }
    const version = byLength.find((v) => stem === v || (stem.startsWith(v) && /^[-_. ]/.test(stem.slice(v.length))));
    if (version === undefined) unmatched.push(file);
    else matched.push({ file, after: version });
  }
  return { matched, unmatched };
}

/** Reads a seed directory: its files in the order they run (base first, then by version as given). */
export async function readSeedFiles(
  dir: string,
  versions: readonly string[],
): Promise<{ files: SeedFile[]; unmatched: string[] }> {
  const { matched, unmatched } = matchSeedFiles(await readdir(dir), versions);
  const rank = (after: string | null) => (after === null ? -1 : versions.indexOf(after));
  matched.sort((a, b) => rank(a.after) - rank(b.after));
  const files: SeedFile[] = [];
  for (const { file, after } of matched) {
    const path = join(dir, file);
    const sql = await readFile(path, 'utf8');
    files.push({ file, path, after, sql, targets: seedTargets(sql) });
  }
  return { files, unmatched };
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)`;
const NAME = String.raw`${IDENT}(?:\s*\.\s*${IDENT}){0,2}`;
const INSERT = new RegExp(String.raw`\bINSERT\s+INTO\s+(${NAME})`, 'gi');
const COPY = new RegExp(String.raw`^\s*COPY\s+(${NAME})\s*(?:\([^)]*\)\s*)?FROM\b`, 'i');

/** The tables a script's INSERT and COPY … FROM statements name, as written, each once. */
export function seedTargets(sql: string): string[] {
  const copyFromStdin = (statement: string) =>
    COPY.test(blankLiterals(statement)) && /\bFROM\s+STDIN\b/i.test(statement);
  const names = new Set<string>();
  for (const unit of splitStatements(sql, 1, { copyFromStdin })) {
    const text = blankLiterals(unit.sql);
    const copy = COPY.exec(text);
    if (copy) names.add(copy[1]!.replace(/\s*\.\s*/g, '.'));
    for (const m of text.matchAll(INSERT)) names.add(m[1]!.replace(/\s*\.\s*/g, '.'));
  }
  return [...names];
}

/** The statement with comments, string literals and dollar-quoted bodies blanked (quoted identifiers kept). */
function blankLiterals(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; ) {
    const comment = commentEnd(sql, i);
    const dollar = comment < 0 ? dollarQuote(sql, i) : null;
    const end = comment >= 0 ? comment : dollar ? dollar.end : sql[i] === "'" ? quotedEnd(sql, i) : -1;
    if (end >= 0) {
      out += ' ';
      i = end;
    } else if (sql[i] === '"') {
      const close = quotedEnd(sql, i);
      out += sql.slice(i, close);
      i = close;
    } else out += sql[i++];
  }
  return out;
}

/**
 * Names as written (`users`, `app."Orders"`) as the seeder names tables, resolved on the session's
 * search_path; unknown names are left out.
 */
export async function resolveTables(client: pg.Client, names: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT DISTINCT format('%I.%I', n.nspname, c.relname) AS name
     FROM unnest($1::text[]) AS x(name) JOIN pg_class c ON c.oid = to_regclass(x.name)
     JOIN pg_namespace n ON n.oid = c.relnamespace`,
    [names],
  );
  return rows.map((r) => r.name).sort();
}

/**
 * The tables `run` added rows to, by counting every user table's rows before and after: for
 * seed files that fill tables through functions or DO blocks, which `seedTargets` cannot see.
 * Returns them with what `run` returned.
 */
export async function tablesFilledBy<T>(
  client: pg.Client,
  run: () => Promise<T>,
): Promise<{ tables: string[]; result: T }> {
  const count = async () => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'`,
    );
    const counts = new Map<string, number>();
    for (const { name } of rows)
      counts.set(name, Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${name}`)).rows[0]!.n));
    return counts;
  };
  const before = await count();
  const result = await run();
  const after = await count();
  const tables = [...after]
    .filter(([name, n]) => n > (before.get(name) ?? 0))
    .map(([name]) => name)
    .sort();
  return { tables, result };
}
