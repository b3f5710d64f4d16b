/**
 * dbmate's migration parser (pkg/dbmate/migration.go, dbmate 2.29 and later), ported so that a
 * file is split, refused and given its options exactly as dbmate does it.
 *
 * A file is cut into sections at every `-- migrate:up` marker. Each section holds one up block
 * (from its marker to the section's `-- migrate:down`) and one down block (from that marker to
 * the next section). Every block keeps its marker line; options such as `transaction:false`
 * are read from the marker line. dbmate's expressions use RE2, whose `\s` is `[\t\n\f\r ]` and
 * whose multi-line `^`/`$` only see `\n`: the expressions below say that explicitly.
 */

const WS = '[\\t\\n\\f\\r ]';
const marker = (direction: 'up' | 'down') =>
  new RegExp(`(?<=^|\\n)--${WS}*migrate:${direction}(?:${WS}*(?=\\n|$)|${WS}+[^\\t\\n\\f\\r ])`, 'g');
const UP = marker('up');
const DOWN = marker('down');
const DIRECTIVE = new RegExp(`^--${WS}*migrate:(up|down)`);

/** dbmate's own error messages (its `ErrParse…` values). */
export const DBMATE_ERRORS = {
  missingUp: "dbmate requires each migration to define an up block with '-- migrate:up'",
  missingDown: "dbmate requires each migration to define a down block with '-- migrate:down'",
  unexpectedStatement: "dbmate does not support statements preceding the '-- migrate:up' block",
  multipleDown: "dbmate requires every '-- migrate:down' to be preceded by a '-- migrate:up'",
} as const;

/** One block as dbmate sends it: its text (marker line included), where it starts, its options. */
export interface DbmateBlock {
  sql: string;
  /** Character offset of the block in the file. */
  offset: number;
  transaction: boolean;
  options: ReadonlyMap<string, string>;
}

export interface DbmateSection {
  up: DbmateBlock;
  down: DbmateBlock;
}

export type DbmateParse = { sections: DbmateSection[] } | { error: string; offset: number };

const starts = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m.index);

/** As `parseMigrationOptions`: `key:value` pairs on the marker line; anything else is ignored. */
export function blockOptions(block: string): Map<string, string> {
  const options = new Map<string, string>();
  const rest = block.split('\n', 1)[0]!.replace(DIRECTIVE, '').trim();
  if (rest === '') return options;
  for (const pair of rest.split(new RegExp(`${WS}+`))) {
    const parts = pair.split(':');
    if (parts.length === 2) options.set(parts[0]!, parts[1]!);
  }
  return options;
}

function block(text: string, from: number, to: number): DbmateBlock {
  const sql = text.slice(from, to);
  const options = blockOptions(sql);
  return { sql, offset: from, options, transaction: options.get('transaction') !== 'false' };
}

/** As `parseMigrationContents`: the sections of a file, or the error dbmate stops with. */
export function parseDbmate(text: string): DbmateParse {
  const ups = starts(text, UP);
  if (ups.length === 0) return { error: DBMATE_ERRORS.missingUp, offset: 0 };
  // Only blank lines and `--` comment lines may come before the first up marker.
  let at = 0;
  for (const line of text.slice(0, ups[0]).split('\n')) {
    if (!new RegExp(`^${WS}*$`).test(line) && !new RegExp(`^${WS}*--`).test(line)) {
      return { error: DBMATE_ERRORS.unexpectedStatement, offset: at };
    }
    at += line.length + 1;
  }
  const bounds = ups.map((start, i) => [start, ups[i + 1] ?? text.length] as const);
  // dbmate checks every section for a second down before it parses any of them.
  for (const [start, end] of bounds) {
    const downs = starts(text.slice(start, end), DOWN);
    if (downs.length > 1) return { error: DBMATE_ERRORS.multipleDown, offset: start + downs[1]! };
  }
  const sections: DbmateSection[] = [];
  for (const [start, end] of bounds) {
    const down = starts(text.slice(start, end), DOWN)[0];
    // A section starts at its up marker, so a down in it always follows the up.
    if (down === undefined) return { error: DBMATE_ERRORS.missingDown, offset: start };
    sections.push({ up: block(text, start, start + down), down: block(text, start + down, end) });
  }
  return { sections };
}
