/**
 * The statement end shared by the line-oriented parsers of goose (goose-parse.ts) and
 * sql-migrate (sql-migrate-parse.ts), as both tools' `endsWithSemicolon`: the last word of the
 * line before any `--` comment ends with `;`.
 */
export function endsWithSemicolon(line: string): boolean {
  let prev = '';
  for (const word of line.split(/\s+/).filter(Boolean)) {
    if (word.startsWith('--')) break;
    prev = word;
  }
  return prev.endsWith(';');
}
