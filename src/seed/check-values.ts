import { quote, type Generator } from './scalar-values.ts';

/**
 * Values shaped by the CHECK constraints that read one column (or a domain's VALUE), read from
 * `pg_get_constraintdef`: a list (`status IN ('open', 'closed')`), numeric bounds (`qty > 0`,
 * `BETWEEN 1 AND 10`), lengths (`char_length(code) = 3`, `name <> ''`) and LIKE patterns made of
 * literal text and `%` (`email LIKE '%@%'`). Only conjunctions of those are read; anything else
 * (OR, functions, other columns) is left for the server to judge, with tamer values after a
 * refusal. The bounds themselves are among the values: they are what the schema still allows.
 */

export interface CheckShape {
  values?: string[];
  lo?: string;
  hi?: string;
  minLength?: number;
  maxLength?: number;
  like?: string;
}

const TYPE = String.raw`(?:::[\w" ]+(?:\(\d+(?:,\d+)?\))?(?:\[\])?)`;
const NUMBER = String.raw`\(*'?(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)'?\)*${TYPE}?\)*${TYPE}?`;

/**
 * Reads the constraint definitions that concern `column` (unquoted name, or `VALUE` for a domain);
 * null when none says anything usable.
 */
export function checkShape(defs: readonly string[], column: string): CheckShape | null {
  const names = column === 'VALUE' ? ['VALUE'] : [column, `"${column.replace(/"/g, '""')}"`];
  const col = String.raw`\(*(?:${names.map(escapeRegExp).join('|')})\)*${TYPE}?`;
  const shape: CheckShape = {};
  let found = false;
  for (const def of defs) {
    const body = /^CHECK \((.*)\)( NOT VALID)?$/s.exec(def)?.[1];
    if (!body) continue;
    for (const part of conjuncts(body)) {
      const cmp = new RegExp(`^${col} (>=|>|<=|<|=) ${NUMBER}$`, 'i').exec(part);
      const list = new RegExp(String.raw`^${col} = ANY \(+ARRAY\[(.*?)\]\)*${TYPE}?\)*$`, 's').exec(part);
      const single = new RegExp(`^${col} = ('(?:[^']|'')*'${TYPE}?)$`).exec(part);
      const length = new RegExp(
        `^(?:length|char_length|character_length)\\(${col}\\) (>=|>|<=|<|=) ${NUMBER}$`,
        'i',
      ).exec(part);
      const nonEmpty = new RegExp(`^(?:TRIM\\(BOTH FROM ${col}\\)|btrim\\(${col}\\)|${col}) <> ''${TYPE}?$`).test(part);
      const like = new RegExp(`^${col} ~~ '((?:[^'_\\\\]|'')*)'${TYPE}?$`).exec(part);
      if (cmp) {
        const [, op, n] = cmp;
        if (op === '=') shape.values = [n!];
        if (op!.startsWith('>')) shape.lo = op === '>' ? `(${n} + 1)` : n;
        if (op!.startsWith('<')) shape.hi = op === '<' ? `(${n} - 1)` : n;
      } else if (list) shape.values = splitList(list[1]!);
      else if (single) shape.values = [single[1]!];
      else if (length) {
        const [, op, n] = length;
        const v = Number(n);
        if (op === '=' || op!.startsWith('>')) shape.minLength = Math.max(shape.minLength ?? 0, op === '>' ? v + 1 : v);
        if (op === '=' || op!.startsWith('<'))
          shape.maxLength = Math.min(shape.maxLength ?? Infinity, op === '<' ? v - 1 : v);
      } else if (nonEmpty) shape.minLength = Math.max(shape.minLength ?? 0, 1);
      else if (like) shape.like = like[1]!.replace(/''/g, "'");
      else continue;
      found = true;
    }
  }
  return found ? shape : null;
}

/** A generator that keeps to `shape`, or null when the shape cannot be followed for this type. */
export function shapedGenerator(
  shape: CheckShape,
  base: Generator,
  category: string,
  limit: number | null,
): Generator | null {
  if (shape.values && shape.values.length > 0) {
    const list = `(ARRAY[${shape.values.join(', ')}])`;
    const m = shape.values.length;
    return {
      unique: (i) => `${list}[${i}]`,
      capacity: m,
      ordinary: (i) => `${list}[((${i}) - 1) % ${m} + 1]`,
      specials: [],
      notNull: base.notNull,
    };
  }
  if (category === 'N' && (shape.lo !== undefined || shape.hi !== undefined)) {
    const lo = shape.lo ?? (shape.hi !== undefined ? `least(0, ${shape.hi})` : '0');
    const span =
      shape.lo !== undefined && shape.hi !== undefined
        ? Math.floor(evaluate(shape.hi) - evaluate(shape.lo)) + 1
        : Number.MAX_SAFE_INTEGER;
    if (!(span >= 1)) return null;
    const within = (v: number) =>
      (shape.lo === undefined || v >= evaluate(shape.lo)) && (shape.hi === undefined || v <= evaluate(shape.hi));
    const bounds = [shape.lo, shape.hi].filter((b): b is string => b !== undefined);
    const extra = [0, -1].filter(within).map(String);
    return {
      unique: (i) => `(${lo} + (${i}) - 1)`,
      capacity: span,
      ordinary: (i) => (span < Number.MAX_SAFE_INTEGER ? `(${lo} + ((${i}) - 1) % ${span})` : `(${lo} + (${i}) - 1)`),
      specials: [...bounds, ...extra].map((sql) => ({ sql, extreme: false })),
      notNull: base.notNull,
    };
  }
  if (category === 'S' && shape.like !== undefined) {
    const parts = shape.like.split('%');
    const make = (i: string) => parts.map((p) => quote(p)).join(` || (${i})::text || `);
    return {
      unique: parts.length > 1 ? make : null,
      capacity: parts.length > 1 ? Number.MAX_SAFE_INTEGER : 1,
      ordinary: make,
      specials: [],
      notNull: base.notNull,
    };
  }
  if (category === 'S' && (shape.minLength !== undefined || shape.maxLength !== undefined)) {
    const min = shape.minLength ?? 0;
    const max = Math.min(shape.maxLength ?? Infinity, limit ?? Infinity);
    if (max < min || max < 1) return null;
    const fit = (i: string) => `lpad((${i})::text, greatest(${Math.max(min, 1)}, length((${i})::text)), '0')`;
    const capacity = max >= 15 ? Number.MAX_SAFE_INTEGER : 10 ** max - 1;
    const longest = Number.isFinite(max) ? max : 3000;
    return {
      unique: fit,
      capacity,
      ordinary: (i) => fit(capacity < Number.MAX_SAFE_INTEGER ? `((${i}) - 1) % ${capacity} + 1` : i),
      specials: [`repeat('x', ${Math.max(min, 1)})`, `repeat('x', ${longest})`].map((sql) => ({ sql, extreme: false })),
      notNull: base.notNull,
    };
  }
  return null;
}

/**
 * The top-level operands of AND in a parenthesised boolean expression; the whole expression when it
 * holds a top-level OR.
 */
function conjuncts(expr: string): string[] {
  const parts = splitTop(stripParens(expr), ' AND ');
  if (parts.some((p) => splitTop(p, ' OR ').length > 1)) return [];
  return parts.map(stripParens);
}

function stripParens(s: string): string {
  let t = s.trim();
  while (t.startsWith('(') && t.endsWith(')') && balanced(t.slice(1, -1))) t = t.slice(1, -1).trim();
  return t;
}

function balanced(s: string): boolean {
  let depth = 0;
  let quoted = false;
  for (const c of s) {
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Splits at `sep` outside parentheses, brackets and quotes. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

const splitList = (items: string) => splitTop(items, ', ').map((s) => s.trim());
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The value of a bound as written (`5`, `(5 + 1)`, `(-1.5 - 1)`). */
const evaluate = (bound: string) => {
  const m = /^\(?(-?[\d.e+-]+?)(?: ([+-]) 1)?\)?$/.exec(bound);
  return m ? Number(m[1]) + (m[2] === '+' ? 1 : m[2] === '-' ? -1 : 0) : NaN;
};
