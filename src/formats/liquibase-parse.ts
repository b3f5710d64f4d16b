/**
 * A port of the parts of Liquibase's formatted SQL parser (AbstractFormattedChangeLogParser,
 * FormattedSqlChangeLogParser) that decide what runs: the header, `--changeset author:id` with its
 * attributes, `--rollback` lines and `/* liquibase rollback` blocks, `--preconditions`,
 * `--comment`, `--ignoreLines`. Patterns are Liquibase's, matched case-insensitively.
 */

export const HEADER = /^\s*--\s*liquibase\s*formatted.*$/i;
const CHANGE_SET = /^\s*--[\s]*changeset\s+("[^"]+"|[^:]+):\s*("[^"]+"|\S+).*$/i;
const ALT_CHANGE_SET = /^(-[\s]*changeset\s.*|\s*--[\s]*changeset[\s]*.*)$/i;
const ROLLBACK = /^\s*--[\s]*rollback (.*)$/i;
const ALT_ROLLBACK = /^\s*-[\s]*rollback\s.*$/i;
const ROLLBACK_BLOCK_START = /^\s*\/\*\s*liquibase\s*rollback\s*$/i;
const ROLLBACK_BLOCK_END = /^.*\s*\*\/\s*$/;
const PRECONDITIONS = /^\s*--[\s]*preconditions(.*)$/i;
const PRECONDITION = /^\s*--[\s]*precondition-([a-zA-Z0-9-]+)( .*)?$/i;
const COMMENT = /^--[\s]*comment:? (.*)$/i;
const IGNORE_LINES = /^--[\s]*ignoreLines:(\w+)$/i;
const PROPERTY = /^\s*--[\s]*property\s+(.*:.*)\s+(.*:.*).*$/i;
const VALID_CHECK_SUM = /^--[\s]*validCheckSum:? (.*)$/i;

export interface ChangeSet {
  author: string;
  id: string;
  /** 1-based line of the `--changeset` line. */
  line: number;
  attributes: Attributes;
  /** The SQL (`trimToNull` of its lines), with the line it starts at; null when there is none. */
  sql: { text: string; line: number } | null;
  /** The `--rollback` text, or 'empty' for `not required` / `empty`; null without any. */
  rollback: { text: string; line: number } | 'empty' | null;
  preconditions: boolean;
}

export interface Attributes {
  runInTransaction: boolean;
  splitStatements: boolean;
  rollbackSplitStatements: boolean;
  endDelimiter: string | null;
  rollbackEndDelimiter: string | null;
  runOnChange: boolean;
  runAlways: boolean;
  context: string | null;
  labels: string | null;
  dbms: string | null;
  ignore: boolean;
}

const attribute = (line: string, pattern: RegExp) => pattern.exec(line)?.[1] ?? null;
const bool = (line: string, name: string, fallback: boolean) => {
  const value = attribute(line, new RegExp(`${name}:(\\w+)`, 'i'));
  return value === null ? fallback : value.toLowerCase() === 'true';
};
const stripQuotes = (s: string | null) => (s === null ? null : s.replace(/^"(.*)"$/, '$1'));

function attributesOf(line: string): Attributes {
  return {
    runInTransaction: bool(line, 'runInTransaction', true),
    splitStatements: bool(line, 'splitStatements', true),
    rollbackSplitStatements: bool(line, 'rollbackSplitStatements', true),
    endDelimiter: attribute(line, /\bendDelimiter:(\S*)/i),
    rollbackEndDelimiter: attribute(line, /\brollbackEndDelimiter:(\S*)/i),
    runOnChange: bool(line, 'runOnChange', false),
    runAlways: bool(line, 'runAlways', false),
    context: stripQuotes(attribute(line, /contextFilter:(".*?"|\S*)/i) || attribute(line, /context:(".*?"|\S*)/i)),
    labels: stripQuotes(attribute(line, /labels:(".*?"|\S*)/i)),
    dbms: attribute(line, /dbms:([^,][\w!,]+)/i),
    ignore: bool(line, 'ignore', false),
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class LiquibaseParseError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

const FORMAT = (line: number, expected: string) =>
  `Unexpected formatting at line ${line}. Formatted SQL changelogs require known formats, such as '${expected}'`;

/** The changesets of one formatted SQL changelog, in file order; throws as Liquibase refuses a file. */
export function parseFormattedSql(text: string): ChangeSet[] {
  const lines = text.split(/\r?\n/);
  const sets: ChangeSet[] = [];
  let current: ChangeSet | null = null;
  let sql: string[] = [];
  let sqlLine = 0;
  let rollback: string[] = [];
  let rollbackLine = 0;
  const close = (atLine: number) => {
    if (!current) return;
    const text = sql.join('\n').trim();
    if (text === '') throw new LiquibaseParseError(`No SQL for changeset ${current.author}:${current.id}`, atLine);
    current.sql = { text, line: sqlLine };
    const back = rollback.join('\n');
    if (back.trim() !== '') {
      current.rollback = /^(not required|empty)/i.test(back.trim()) ? 'empty' : { text: back, line: rollbackLine };
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const n = i + 1;
    if (PROPERTY.test(line)) continue;
    const ignore = IGNORE_LINES.exec(line);
    if (ignore) {
      if (ignore[1] === 'start') {
        while (++i < lines.length && IGNORE_LINES.exec(lines[i]!)?.[1] !== 'end');
      } else if (/^\d+$/.test(ignore[1]!)) i += Number(ignore[1]);
      else throw new LiquibaseParseError(`Unknown ignoreLines syntax: "${ignore[1]}"`, n);
      continue;
    }
    const start = CHANGE_SET.exec(line);
    if (start) {
      // The author and id must follow `changeset ` exactly as `author:id`, without a space after the colon.
      const exact = new RegExp(`^\\s*--[\\s]*changeset\\s+${escape(`${start[1]}:${start[2]}`)}.*$`, 'i');
      if (!exact.test(line)) throw new LiquibaseParseError(FORMAT(n, '--changeset <authorname>:<changesetId>'), n);
      close(n - 1);
      const [author, id] = [stripQuotes(start[1]!.trim())!, stripQuotes(start[2]!)!];
      current = {
        author,
        id,
        line: n,
        attributes: attributesOf(line),
        sql: null,
        rollback: null,
        preconditions: false,
      };
      sets.push(current);
      sql = [];
      sqlLine = 0;
      rollback = [];
      continue;
    }
    if (ALT_CHANGE_SET.test(line))
      throw new LiquibaseParseError(FORMAT(n, '--changeset <authorname>:<changesetId>'), n);
    if (!current) {
      if (COMMENT.test(line)) {
        throw new LiquibaseParseError(
          `Unexpected formatting at line ${n}. ` +
            'Formatted SQL changelogs do not allow comment lines outside of changesets.',
          n,
        );
      }
      continue;
    }
    const back = ROLLBACK.exec(line);
    if (COMMENT.test(line) || VALID_CHECK_SUM.test(line)) continue;
    if (back) {
      if (rollback.length === 0) rollbackLine = n;
      rollback.push(back[1]!);
      continue;
    }
    if (ALT_ROLLBACK.test(line)) throw new LiquibaseParseError(FORMAT(n, '--rollback <rollback SQL>'), n);
    if (ROLLBACK_BLOCK_START.test(line)) {
      // extractMultiLineRollBack appends the block's lines without their line breaks.
      let block = '';
      for (i++; ; i++) {
        if (i >= lines.length) throw new LiquibaseParseError('Liquibase rollback comment is not closed.', n);
        const inner = lines[i]!;
        if (ROLLBACK_BLOCK_END.test(inner)) {
          const last = inner.replace(/\*\/\s*$/, '');
          if (last.trim() !== '') block += last;
          break;
        }
        block += inner;
      }
      if (rollback.length === 0) rollbackLine = n + 1;
      rollback.push(block);
      continue;
    }
    if (PRECONDITIONS.test(line) || PRECONDITION.test(line)) {
      current.preconditions = true;
      continue;
    }
    if (sqlLine === 0 && line.trim() !== '') sqlLine = n;
    sql.push(line);
  }
  close(lines.length);
  return sets;
}

/**
 * Whether a changeset's `dbms` lets it run on PostgreSQL (DatabaseList.definitionMatches):
 * `none` never, `all` always, `!postgresql` excludes it, a list of exclusions only admits the rest.
 */
export function runsOnPostgres(dbms: string | null): boolean {
  if (dbms === null || dbms.trim() === '') return true;
  const list = dbms.split(',').map((d) => d.trim().toLowerCase());
  if (list.includes('none')) return false;
  if (list.includes('all')) return true;
  if (list.includes('!postgresql')) return false;
  if (list.every((d) => d.startsWith('!'))) return true;
  return list.includes('postgresql');
}
