import { codeOnly } from '../sql/split.ts';
import { objectDiff, splitKey, type ChangedObject, type SchemaDiff } from '../schema/diff.ts';

/** "index `public.users_email_idx`" */
export function objectName(key: string): string {
  const [kind, name] = splitKey(key);
  return `${kind} \`${name}\``;
}

const RELATIONS = new Set(['table', 'view', 'materialized view', 'foreign table']);
const PARTS = new Set(['column', 'constraint', 'trigger', 'policy']);

/** A relation's definition holds its column list, in column order, as one `columns a, b, c` line. */
const COLUMNS = /^columns (.*)$/m;
const columnsOf = (def: string): string[] | null => {
  const list = COLUMNS.exec(def)?.[1];
  return list === undefined ? null : list === '' ? [] : list.split(', ');
};
const withoutColumns = (def: string) => def.replace(/^columns .*(\n|$)/m, '').replace(/\n$/, '');

/** Drops the columns, constraints, triggers and policies of a relation that is itself listed. */
function withoutParts<T extends { key: string }>(objects: readonly T[]): T[] {
  const relations = objects
    .map((o) => splitKey(o.key))
    .filter(([kind]) => RELATIONS.has(kind))
    .map(([, name]) => `${name}.`);
  return objects.filter((o) => {
    const [kind, name] = splitKey(o.key);
    return !(PARTS.has(kind) && relations.some((r) => name.startsWith(r)));
  });
}

/**
 * A changed object as `describeDiff` shows it. A relation's column list is left out: a column
 * added or removed is reported as that column, and the order of the others is `columnMoves`'
 * subject. Null when nothing else changed.
 */
function shownChange(change: ChangedObject): ChangedObject | null {
  const [kind] = splitKey(change.key);
  if (CODE.has(kind) && codeOnly(change.before) === codeOnly(change.after)) return null;
  const [before, after] = [columnsOf(change.before), columnsOf(change.after)];
  if (!RELATIONS.has(kind) || before === null) return change;
  const shown = { key: change.key, before: withoutColumns(change.before), after: withoutColumns(change.after) };
  if (shown.before === shown.after) return null;
  const views = kind === 'view' || kind === 'materialized view';
  return views && sameNames(before, after) && onlyReordered(shown.before, shown.after, before, after!) ? null : shown;
}

/** Objects whose definition holds code: a body whose comments and spacing change nothing it does. */
const CODE = new Set(['function', 'procedure']);

const sameNames = (a: readonly string[], b: readonly string[] | null) =>
  b !== null && a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * Whether two definitions of a view differ only in the order of its select list, as a view of
 * `SELECT *` over a table whose columns came back in another place does (Postgres stores the
 * star as the columns it stood for): the view's columns moved, which is columnMoves' subject.
 * Only a plain SELECT whose select list has one line per column, each line ending in that
 * column's name (`email`, `u.email`, `lower(x) AS email`), with the same lines on both sides, and
 * everything from the first FROM on the same. Anything else (a CASE over several lines, a WITH,
 * a UNION) is a change of the view.
 */
function onlyReordered(before: string, after: string, columns: readonly string[], moved: readonly string[]): boolean {
  const parts = (def: string, names: readonly string[]) => {
    if (!def.startsWith('definition  SELECT ')) return null;
    const from = def.search(/^ {3}FROM\s/m);
    if (from < 0) return null;
    const lines = def
      .slice('definition  SELECT '.length, from)
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => line.trim().replace(/,$/, ''));
    if (lines.length !== names.length) return null;
    const named = lines.every(
      (line, i) => line === names[i] || line.endsWith(`.${names[i]}`) || line.endsWith(` AS ${names[i]}`),
    );
    return named ? { items: [...lines].sort().join('\n'), rest: def.slice(from) } : null;
  };
  const [b, a] = [parts(before, columns), parts(after, moved)];
  return Boolean(b && a && b.items === a.items && b.rest === a.rest);
}

/** Columns of one relation that are in another place among the columns both lists hold. */
export interface ColumnMove {
  /** `public.users` */
  relation: string;
  /** Column names as in the catalog (quoted where needed), with their 1-based positions. */
  columns: { name: string; before: number; after: number }[];
  /** How many columns the relation has in each schema. */
  beforeCount: number;
  afterCount: number;
}

/** The longest common subsequence of two lists of distinct names. */
function commonOrder(a: readonly string[], b: readonly string[]): Set<string> {
  const table = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const out = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      out.add(a[i]!);
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return out;
}

/**
 * The relations of a diff whose columns (those present in both schemas) come in another
 * order: the fewest columns that moved, with their positions before and after. Added and
 * removed columns count in the positions but are not moves.
 */
export function columnMoves(diff: SchemaDiff): ColumnMove[] {
  const out: ColumnMove[] = [];
  for (const change of diff.changed) {
    const [kind, relation] = splitKey(change.key);
    const [before, after] = [columnsOf(change.before), columnsOf(change.after)];
    if (!RELATIONS.has(kind) || !before || !after) continue;
    const kept = before.filter((c) => after.includes(c));
    const stayed = commonOrder(
      kept,
      after.filter((c) => before.includes(c)),
    );
    const moved = kept.filter((c) => !stayed.has(c));
    if (moved.length === 0) continue;
    out.push({
      relation,
      columns: moved.map((name) => ({ name, before: before.indexOf(name) + 1, after: after.indexOf(name) + 1 })),
      beforeCount: before.length,
      afterCount: after.length,
    });
  }
  return out;
}

/**
 * One sentence per difference, worded for the schema a step was expected to restore:
 * `left` (present now, absent before), `missing` (absent now), `changed` (with a short diff).
 * Columns that are only in another order are not differences here (see `columnMoves`).
 */
export function describeDiff(
  diff: SchemaDiff,
  words: { left: string; missing: string; changed: string },
  limit = 20,
): string[] {
  const lines = [
    ...withoutParts(diff.added).map((o) => `${objectName(o.key)} ${words.left}`),
    ...withoutParts(diff.removed).map((o) => `${objectName(o.key)} ${words.missing}`),
    ...diff.changed
      .map(shownChange)
      .filter((c): c is ChangedObject => c !== null)
      .map((c) => `${objectName(c.key)} ${words.changed}:\n${objectDiff(c)}`),
  ];
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more differences`] : lines;
}
