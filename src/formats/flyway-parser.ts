/**
 * Flyway's own rules, as its sources state them: file names (ResourceNameParser), versions
 * (MigrationVersion) and what its PostgreSQL parser reads from a statement's first keywords
 * (PostgreSQLParser: non-transactional statements, COPY … FROM STDIN).
 */

/** A Flyway script name, or why Flyway skips it. */
export type FlywayName =
  | { kind: 'V' | 'U'; version: string; description: string }
  | { kind: 'R'; description: string }
  | { invalid: string };

/**
 * MigrationVersion.fromVersion: `_` reads as `.`, parts split at a `.` before a digit, each part
 * a (signed) integer, trailing zero parts dropped (`1.0` is `1`). Null when Flyway refuses it.
 */
export function flywayVersion(raw: string): bigint[] | null {
  const parts = raw.replace(/_/g, '.').split(/\.(?=\d)/);
  if (!parts.every((p) => /^[+-]?\d+$/.test(p))) return null;
  const numbers = parts.map((p) => BigInt(p));
  while (numbers.length > 1 && numbers.at(-1) === 0n) numbers.pop();
  return numbers;
}

/** MigrationVersion.compareTo: part by part, a missing part counting as zero. */
export function compareFlywayVersions(a: string, b: string): number {
  const [x, y] = [flywayVersion(a) ?? [], flywayVersion(b) ?? []];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? 0n, y[i] ?? 0n];
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

/**
 * ResourceNameParser with the default prefixes `V`, `U`, `R`, separator `__` and suffix `.sql`:
 * the suffix matches in any case (Scanner and stripSuffix compare upper-cased names), the prefix
 * exactly. Everything before the first `__` is the version (no `__` at all: the whole rest is),
 * the rest the description, which may be empty. Null for names Flyway does not look at.
 */
export function parseFlywayName(base: string): FlywayName | null {
  if (!/\.sql$/i.test(base) || !/^[VUR]/.test(base)) return null;
  const kind = base[0] as 'V' | 'U' | 'R';
  // Scanner.getResources: the name must be longer than prefix + suffix.
  if (base.length <= 5) return { invalid: 'Flyway needs a version or a description after the prefix' };
  const rest = base.slice(1, -4);
  const cut = rest.indexOf('__');
  const [version, description] = cut < 0 ? [rest, ''] : [rest.slice(0, cut), rest.slice(cut + 2)];
  if (kind === 'R') {
    return version === ''
      ? { kind, description }
      : { invalid: 'a repeatable migration has no version (`R__{description}.sql`)' };
  }
  if (version === '') return { invalid: `Flyway needs a version (\`${kind}1.2__{description}.sql\`)` };
  if (!flywayVersion(version))
    return { invalid: `Flyway cannot read the version \`${version}\` (digits separated by \`.\` or \`_\`)` };
  return { kind, version, description };
}

const NON_TRANSACTIONAL = [
  /^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)/,
  /^ALTER SYSTEM/,
  /^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY/,
  /^REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)/,
  /^VACUUM/,
  /^DISCARD ALL/,
];
const COPY_FROM_STDIN = /^COPY( .*)? FROM STDIN/;
const WORD = /[\p{L}\p{Nd}_$]+/uy;
const NUMBER = /\d[\d.]*/y;
/** Parser.getTransactionalDetectionCutoff: only the first ten keywords are looked at. */
const CUTOFF = 10;

/**
 * The prefixes of Flyway's "simplified statement" after each keyword: the statement's first
 * keywords outside parentheses, upper-cased and joined by single spaces. A keyword is a word
 * of letters and `_` only; names with digits or `$`, qualified (`a.b`) or quoted names, strings,
 * dollar-quoted bodies, numbers and comments are not keywords.
 */
export function simplifiedPrefixes(sql: string): string[] {
  const prefixes: string[] = [];
  let simplified = '';
  let depth = 0;
  let i = 0;
  const after = (re: RegExp, at: number) => ((re.lastIndex = at), re.exec(sql)![0].length + at);
  const skipQuoted = (quote: string, backslash: boolean) => {
    for (i++; i < sql.length; i++) {
      if (backslash && sql[i] === '\\') i++;
      else if (sql[i] === quote && sql[i + 1] === quote) i++;
      else if (sql[i] === quote) break;
    }
    i++;
  };
  while (i < sql.length && prefixes.length < CUTOFF) {
    const c = sql[i]!;
    const rest = sql.slice(i, i + 3);
    if (rest.startsWith('--')) i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (rest.startsWith('/*')) {
      let nest = 1;
      for (i += 2; i < sql.length && nest > 0; ) {
        if (sql.startsWith('/*', i)) nest++, (i += 2);
        else if (sql.startsWith('*/', i)) nest--, (i += 2);
        else i++;
      }
    } else if (c === '$') {
      // Flyway reads any `$` as the start of a dollar quote: `$tag$ … $tag$`.
      const tagEnd = sql.indexOf('$', i + 1);
      const tag = tagEnd < 0 ? '$' : sql.slice(i, tagEnd + 1);
      const end = tagEnd < 0 ? -1 : sql.indexOf(tag, tagEnd + 1);
      i = end < 0 ? sql.length : end + tag.length;
    } else if (c === "'") skipQuoted("'", false);
    else if (/^([EBX]|U&)'/.test(rest)) {
      i += rest[0] === 'U' ? 2 : 1;
      skipQuoted("'", rest[0] !== 'U');
    } else if (c === '"') skipQuoted('"', false);
    else if (c === '(') depth++, i++;
    else if (c === ')') depth--, i++;
    else if (/\d/.test(c)) i = after(NUMBER, i);
    else if (/[\p{L}_]/u.test(c)) {
      const start = i;
      i = after(WORD, i);
      const word = sql.slice(start, i);
      const qualified = sql[i] === '.';
      if (!qualified && /^[\p{L}_]+$/u.test(word) && depth === 0) {
        simplified += (simplified ? ' ' : '') + word.toUpperCase();
        prefixes.push(simplified);
      }
    } else i++;
  }
  return prefixes;
}

/** PostgreSQLParser.detectCanExecuteInTransaction, for a server at version 12 or later. */
export function canExecuteInTransaction(sql: string): boolean {
  return !simplifiedPrefixes(sql).some((s) => NON_TRANSACTIONAL.some((re) => fullMatch(re, s)));
}

/** PostgreSQLParser.detectStatementType: `COPY … FROM STDIN`, whose data follows in the script. */
export function isCopyFromStdin(sql: string): boolean {
  return simplifiedPrefixes(sql).some((s) => fullMatch(COPY_FROM_STDIN, s));
}

/** Java's Matcher.matches(): the whole text must match. */
function fullMatch(re: RegExp, text: string): boolean {
  return new RegExp(`^(?:${re.source.replace(/^\^/, '')})$`).test(text);
}
