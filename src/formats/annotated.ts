import type { ExecUnit, Migration, Problem, Script } from '../migration.ts';
import { at } from './common.ts';
import type { DirectoryReader } from './directory.ts';

/**
 * Line-oriented parsing for the one-file formats whose sections are marked by SQL comments
 * (sql-migrate here, goose in goose-parse.ts). Both tools split a section into statements at
 * lines that end in a semicolon (ignoring a trailing `--` comment), and keep a `StatementBegin`
 * … `StatementEnd` block whole. These ports keep their quirks, since a replay must send exactly what the tool
 * sends; they add the starting line of every statement.
 */
export interface Sections {
  up: ExecUnit[];
  down: ExecUnit[];
  /** Whether each direction runs in a transaction (the tool's no-transaction marker). */
  upTransaction: boolean;
  downTransaction: boolean;
  /** Whether the file has a down section at all (without one there is nothing to roll back with). */
  downMarked: boolean;
  /** Why the tool would refuse the file, and where. */
  error?: { line: number; message: string };
}

/** As both tools' `endsWithSemicolon`: the last word before any `--` comment ends with `;`. */
export function endsWithSemicolon(line: string): boolean {
  let prev = '';
  for (const word of line.split(/\s+/).filter(Boolean)) {
    if (word.startsWith('--')) break;
    prev = word;
  }
  return prev.endsWith(';');
}

function unit(lines: { text: string; line: number }[]): ExecUnit | null {
  const first = lines.findIndex((l) => l.text.trim() !== '');
  if (first < 0) return null;
  const sql = lines.map((l) => l.text).join('\n').trim();
  const lead = lines[first]!;
  return { sql, line: lead.line, column: lead.text.length - lead.text.trimStart().length + 1 };
}

/**
 * sql-migrate (github.com/rubenv/sql-migrate, sqlparse): `-- +migrate Up` / `Down` with an
 * optional `notransaction` option, `-- +migrate StatementBegin` / `StatementEnd`. Lines
 * starting with `-- ` are dropped wherever they are; other lines stay in the statement.
 */
export function parseSqlMigrate(text: string): Sections {
  const out: Sections = { up: [], down: [], upTransaction: true, downTransaction: true, downMarked: false };
  let direction: 'none' | 'up' | 'down' = 'none';
  let ignoreSemicolons = false;
  let buf: { text: string; line: number }[] = [];
  const fail = (line: number, message: string): Sections => ({ ...out, error: { line, message } });
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const lineNo = n + 1;
    if (line.startsWith('-- ') && !line.startsWith('-- +')) continue;
    let ended = false;
    if (line.startsWith('-- +migrate ')) {
      const [command, ...options] = line.slice('-- +migrate '.length).trim().split(/\s+/);
      if (command === 'Up' || command === 'Down') {
        if (buf.some((l) => l.text.trim())) return fail(buf[0]!.line, 'a statement is not ended by a semicolon or `-- +migrate StatementEnd`');
        buf = [];
        direction = command === 'Up' ? 'up' : 'down';
        if (command === 'Down') out.downMarked = true;
        if (options.includes('notransaction')) {
          if (command === 'Up') out.upTransaction = false;
          else out.downTransaction = false;
        }
      } else if (command === 'StatementBegin' && direction !== 'none') {
        ignoreSemicolons = true;
      } else if (command === 'StatementEnd' && direction !== 'none') {
        ended = ignoreSemicolons;
        ignoreSemicolons = false;
      }
    }
    if (direction === 'none') continue;
    if (!line.startsWith('-- +')) buf.push({ text: line, line: lineNo });
    if ((!ignoreSemicolons && endsWithSemicolon(line)) || ended) {
      const u = unit(buf);
      if (u) (direction === 'up' ? out.up : out.down).push(u);
      buf = [];
    }
  }
  if (ignoreSemicolons) return fail(lines.length, 'a `-- +migrate StatementBegin` has no matching `-- +migrate StatementEnd`');
  if (direction === 'none') return fail(1, 'it has no `-- +migrate Up` or `-- +migrate Down` annotation');
  if (buf.some((l) => l.text.trim())) return fail(buf.find((l) => l.text.trim())!.line, 'the last statement is not ended by a semicolon or `-- +migrate StatementEnd`');
  return out;
}

/**
 * The migration a parsed one-file migration makes: its sections as scripts (statement by
 * statement, in a transaction unless the tool's marker says not), or, when the tool would
 * refuse the file, an empty migration and the `parse-error` problem that says why.
 */
export function annotatedMigration(
  directory: DirectoryReader,
  file: string,
  id: { version: string; name: string },
  sections: Sections,
  tool: { name: string; annotations: string },
  hasDown: boolean,
): { migration: Migration; problem?: Problem } {
  if (sections.error) {
    return {
      migration: { ...id, up: null, down: null },
      problem: {
        check: 'parse-error',
        file: at(directory, file),
        line: sections.error.line,
        message: `${tool.name} would refuse to run ${file}: ${sections.error.message} (line ${sections.error.line}). The replay skipped this migration.`,
        help: `Fix the ${tool.annotations}.`,
      },
    };
  }
  const script = (units: Script['units'], tx: boolean): Script => ({ file: at(directory, file), units, transaction: tx ? 'wrapped' : 'none' });
  return { migration: { ...id, up: script(sections.up, sections.upTransaction), down: hasDown ? script(sections.down, sections.downTransaction) : null } };
}
