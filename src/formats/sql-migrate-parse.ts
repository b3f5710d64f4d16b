import type { ExecUnit } from '../migration.ts';
import { endsWithSemicolon } from './annotated.ts';

/**
 * A port of sql-migrate's parser (github.com/rubenv/sql-migrate, sqlparse/sqlparse.go
 * ParseMigration): `-- +migrate Up` / `Down` with an optional `notransaction` option, and
 * `-- +migrate StatementBegin` / `StatementEnd` around a statement that holds semicolons. A
 * statement ends at a line whose last word before any `--` comment ends with `;`. Lines that
 * start with `-- ` (and not `-- +`) are dropped wherever they are, inside a StatementBegin block
 * too; lines that start with `-- +` are never sent. The quirks are kept, since the replay must
 * send exactly what sql-migrate sends; each statement also gets the line it starts on.
 */
export interface SqlMigrateSections {
  up: ExecUnit[];
  down: ExecUnit[];
  /** Whether each direction runs in a transaction (`notransaction` on one of its markers turns it off). */
  upTransaction: boolean;
  downTransaction: boolean;
  /** Why sql-migrate refuses the file, and where (its own message). */
  error?: { line: number; message: string };
}

const PREFIX = '-- +migrate ';
/** sql-migrate reads lines with a bufio.Scanner whose buffer is capped at 1 MiB. */
const MAX_LINE_BYTES = 1024 * 1024;

const NO_TERMINATOR = "The last statement must be ended by a semicolon or '-- +migrate StatementEnd' marker";

function unit(lines: { text: string; line: number }[]): ExecUnit | null {
  const first = lines.findIndex((l) => l.text.trim() !== '');
  if (first < 0) return null;
  const sql = lines
    .map((l) => l.text)
    .join('\n')
    .trim();
  const lead = lines[first]!;
  return { sql, line: lead.line, column: lead.text.length - lead.text.trimStart().length + 1 };
}

/** Lines as Go's bufio.ScanLines gives them: split at `\n`, one trailing `\r` dropped. */
function scanLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export function parseSqlMigrate(text: string): SqlMigrateSections {
  const out: SqlMigrateSections = { up: [], down: [], upTransaction: true, downTransaction: true };
  let direction: 'none' | 'up' | 'down' = 'none';
  let ignoreSemicolons = false;
  let beginLine = 0;
  let buf: { text: string; line: number }[] = [];
  const fail = (line: number, message: string): SqlMigrateSections => ({ ...out, error: { line, message } });
  const pending = () => buf.some((l) => l.text.trim());
  const raw = text.split('\n');
  const lines = scanLines(text);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const lineNo = n + 1;
    if (Buffer.byteLength(raw[n]!) >= MAX_LINE_BYTES)
      return fail(lineNo, 'bufio.Scanner: token too long (a line of 1 MiB or more)');
    if (line.startsWith('-- ') && !line.startsWith('-- +')) continue;
    let ended = false;
    if (line.startsWith(PREFIX)) {
      const [command, ...options] = line.slice(PREFIX.length).split(/\s+/).filter(Boolean);
      if (command === undefined) return fail(lineNo, 'incomplete migration command');
      if (command === 'Up' || command === 'Down') {
        if (pending()) return fail(buf.find((l) => l.text.trim())!.line, NO_TERMINATOR);
        buf = [];
        direction = command === 'Up' ? 'up' : 'down';
        if (options.includes('notransaction')) {
          if (command === 'Up') out.upTransaction = false;
          else out.downTransaction = false;
        }
      } else if (command === 'StatementBegin' && direction !== 'none') {
        if (!ignoreSemicolons) beginLine = lineNo;
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
  if (ignoreSemicolons)
    return fail(beginLine, "saw '-- +migrate StatementBegin' with no matching '-- +migrate StatementEnd'");
  if (direction === 'none') return fail(1, 'no Up/Down annotations found, so no statements were executed');
  if (pending()) return fail(buf.find((l) => l.text.trim())!.line, NO_TERMINATOR);
  return out;
}
