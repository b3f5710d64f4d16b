import type { ExecUnit } from '../migration.ts';
import { endsWithSemicolon } from './annotated.ts';
import { envsub } from './goose-envsub.ts';

/**
 * goose's SQL parser (internal/sqlparser/parser.go, goose v3), ported line for line. The goose
 * command parses a file once per direction, when it is about to run it: a file whose up part
 * parses runs on `goose up` even if its down part does not.
 *
 * - A comment line (after leading blanks) that contains `+goose` must be an annotation:
 *   `-- +goose` and one of Up, Down, StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON,
 *   ENVSUB OFF in any case, with nothing else on the line and no blank before `--`.
 * - Comment and empty lines before a statement are dropped; once a statement has started,
 *   every line is kept until a line that ends in `;` (outside a `--` comment) ends it, or,
 *   in a StatementBegin block, until StatementEnd.
 * - Between ENVSUB ON and OFF each kept line is substituted (goose-envsub.ts).
 */
export type GooseDirection = 'up' | 'down';

export interface GooseParse {
  statements: ExecUnit[];
  useTx: boolean;
  /** Whether the file has a `-- +goose Down` annotation. */
  downMarked: boolean;
  /** Variables taken from the environment while unset, with the first line using each. */
  unset: Map<string, number>;
  /** goose's error and the line it stops at. */
  error?: { line: number; message: string };
}

const ANNOTATIONS = [
  'Up',
  'Down',
  'StatementBegin',
  'StatementEnd',
  'NO TRANSACTION',
  'ENVSUB ON',
  'ENVSUB OFF',
] as const;
type Annotation = (typeof ANNOTATIONS)[number];

/** As `extractAnnotation`; throws goose's message for a line it refuses. */
export function extractAnnotation(line: string): Annotation {
  const quoted = (s: string) => JSON.stringify(s);
  if (line.startsWith(' ') || line.startsWith('\t')) {
    throw new Error(`${quoted(line)} contains leading whitespace: invalid annotation`);
  }
  let cmd = line.replaceAll('--', '').replace('+goose', '');
  if (cmd.includes('+goose')) {
    throw new Error(`${quoted(cmd)} contains multiple '+goose' annotations: invalid annotation`);
  }
  cmd = cmd.trim();
  if (cmd === '') throw new Error('empty annotation');
  const found = ANNOTATIONS.find((a) => a.toLowerCase() === cmd.toLowerCase());
  if (!found) throw new Error(`${quoted(cmd)} not supported: invalid annotation`);
  return found;
}

type State = 'start' | 'up' | 'beginUp' | 'endUp' | 'down' | 'beginDown' | 'endDown';
// goose prints its state as a number.
const STATE_NUMBER: Record<State, number> = {
  start: 0,
  up: 1,
  beginUp: 2,
  endUp: 3,
  down: 4,
  beginDown: 5,
  endDown: 6,
};
const SEE = 'see https://github.com/pressly/goose#sql-migrations';

/** Go's bufio.ScanLines: lines split at `\n`, a trailing `\r` dropped, no empty last line. */
function scanLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export function parseGoose(
  text: string,
  direction: GooseDirection,
  env: ReadonlyMap<string, string> = new Map(),
): GooseParse {
  const out: GooseParse = { statements: [], useTx: true, downMarked: false, unset: new Map() };
  let state: State = 'start';
  let envsubOn = false;
  let blockStart = 0;
  /** goose's message for a block left open names the wrong cause: say the cause, then goose's words. */
  const unclosed = (message: string) =>
    fail(
      blockStart,
      `the \`-- +goose StatementBegin\` at line ${blockStart} has no \`-- +goose StatementEnd\` ` +
        `(goose says "${message}")`,
    );
  let buf: { text: string; line: number }[] = [];
  const fail = (line: number, message: string): GooseParse => ({ ...out, error: { line, message } });
  const unfinished = () =>
    `failed to parse migration: state ${STATE_NUMBER[state]}, direction: ${direction}: ` +
    'unexpected unfinished SQL query: ' +
    `${JSON.stringify(
      buf
        .map((l) => l.text)
        .join('\n')
        .trim(),
    )}: missing semicolon?`;
  const store = () => {
    const first = buf.find((l) => l.text.trim() !== '');
    const sql = buf
      .map((l) => `${l.text}\n`)
      .join('')
      .trim();
    const start = first ?? buf[0];
    const column = start ? start.text.length - start.text.trimStart().length + 1 : 1;
    out.statements.push({ sql, line: start?.line ?? 0, column });
    buf = [];
  };
  const lines = scanLines(text);
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    const at = n + 1;
    if (state === 'start' && line.trim() === '') continue;
    if (line.trim().startsWith('--') && line.includes('+goose')) {
      let cmd: Annotation;
      try {
        cmd = extractAnnotation(line);
      } catch (error) {
        return fail(at, `failed to parse annotation line ${JSON.stringify(line)}: ${(error as Error).message}`);
      }
      if (cmd === 'Up') {
        const duplicate = `duplicate '-- +goose Up' annotations; stateMachine=${STATE_NUMBER[state]}, ${SEE}`;
        if (state !== 'start') return fail(at, duplicate);
        state = 'up';
        continue;
      }
      if (cmd === 'Down') {
        const refusal = `must start with '-- +goose Up' annotation, stateMachine=${STATE_NUMBER[state]}, ${SEE}`;
        if (state === 'beginUp' || state === 'beginDown') return unclosed(refusal);
        if (state !== 'up' && state !== 'endUp') return fail(at, refusal);
        if (
          buf
            .map((l) => l.text)
            .join('\n')
            .trim()
        )
          return fail(buf[0]!.line, unfinished());
        state = 'down';
        out.downMarked = true;
        continue;
      }
      if (cmd === 'StatementBegin') {
        blockStart = at;
        if (state === 'up' || state === 'endUp') state = 'beginUp';
        else if (state === 'down' || state === 'endDown') state = 'beginDown';
        else {
          const where =
            "'-- +goose StatementBegin' must be defined after '-- +goose Up' or '-- +goose Down' " + 'annotation';
          return fail(at, `${where}, stateMachine=${STATE_NUMBER[state]}, ${SEE}`);
        }
        continue;
      }
      if (cmd === 'StatementEnd') {
        if (state === 'beginUp') state = 'endUp';
        else if (state === 'beginDown') state = 'endDown';
        else return fail(at, `'-- +goose StatementEnd' must be defined after '-- +goose StatementBegin', ${SEE}`);
        // goose goes on with this line below: it is not written, but it ends the statement.
      } else {
        if (cmd === 'NO TRANSACTION') out.useTx = false;
        else envsubOn = cmd === 'ENVSUB ON';
        continue;
      }
    }
    if (buf.length === 0 && (line.trim().startsWith('--') || line === '')) continue;
    if (state !== 'endUp' && state !== 'endDown') {
      if (envsubOn) {
        try {
          const result = envsub(line, env);
          // goose goes on with the substituted line, also to look for its semicolon.
          line = result.text;
          for (const name of result.unset) if (!out.unset.has(name)) out.unset.set(name, at);
        } catch (error) {
          return fail(at, `variable substitution failed: ${(error as Error).message}:\n${line}`);
        }
      }
      buf.push({ text: line, line: at });
    }
    const upward = state === 'up' || state === 'beginUp' || state === 'endUp';
    if (state === 'start') {
      return fail(at, `failed to parse migration: unexpected state 0 on line ${JSON.stringify(line)}, ${SEE}`);
    }
    if (upward !== (direction === 'up')) {
      buf = [];
      continue;
    }
    if ((state === 'up' || state === 'down') && endsWithSemicolon(line)) store();
    else if (state === 'endUp' || state === 'endDown') {
      store();
      state = state === 'endUp' ? 'up' : 'down';
    }
  }
  if (state === 'start') return fail(1, `failed to parse migration: must start with '-- +goose Up' annotation, ${SEE}`);
  if (state === 'beginUp' || state === 'beginDown') {
    return unclosed("failed to parse migration: missing '-- +goose StatementEnd' annotation");
  }
  if (
    buf
      .map((l) => l.text)
      .join('\n')
      .trim()
  )
    return fail(buf.find((l) => l.text.trim())!.line, unfinished());
  return out;
}
