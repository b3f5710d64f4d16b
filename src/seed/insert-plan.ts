import type { ForeignKey, SeedColumn, SeedTable, TypeInfo } from './catalog.ts';
import type { Generator } from './scalar-values.ts';
import { checkShape, shapedGenerator } from './check-values.ts';
import { baseScalar, generatorFor } from './values.ts';

/**
 * One table's rows as one `INSERT … SELECT … FROM generate_series(1, N) g`: every value is an
 * expression of `g`, so the rows are made in the server and nothing passes through Node.
 *
 * Column by column:
 * - generated, identity and sequence-defaulted columns are left to the server;
 * - one column of every unique key (primary key, UNIQUE, EXCLUDE, unique index) takes a value
 *   injective in g; when the key is all foreign-key columns, that foreign key takes parent row g;
 * - a foreign key takes an actual row of its parent, numbered by row_number() over the
 *   referenced columns and joined on that number (composite and non-generated keys alike); a
 *   NOT NULL self-reference points at the row itself; a nullable one, and a foreign key that
 *   breaks a cycle, are NULL here and filled afterwards (backfill.ts);
 * - every other column mixes, by `(g + column) % 7`, NULL (where allowed), the type's special
 *   values, a duplicate of the previous row's value, and ordinary values.
 */

export type Profile = 'adversarial' | 'moderate' | 'plain';

/** How one try at a table makes its values; later tries are tamer (see seed-tables.ts). */
export interface Attempt {
  readonly profile: Profile;
  /** Columns that take only ordinary values (a CHECK refused their special values). */
  readonly plainColumns: ReadonlySet<string>;
  /** Nullable columns set to NULL (a CHECK refused even their ordinary values). */
  readonly nullColumns: ReadonlySet<string>;
  /** Added to g in injective values, past rows the table already holds. */
  readonly offset: number;
}

export interface PlanContext {
  readonly rows: number;
  readonly types: ReadonlyMap<number, TypeInfo>;
  /** How many rows of the parent have every referenced column set. */
  readonly parentRows: ReadonlyMap<string, number>;
  /** Foreign keys left NULL by the INSERT and filled afterwards. */
  readonly deferred: ReadonlySet<string>;
}

export interface TablePlan {
  sql(attempt: Attempt): string;
  /** The rows `sql` aims at. */
  rows(attempt: Attempt): number;
  /** CHECK constraints the candidate rows are filtered by (rows they refuse are left out). */
  readonly filtered: readonly string[];
  /** Nullable columns read by CHECK constraints or of a checked domain: NULL is what satisfies them last. */
  readonly checkedColumns: ReadonlySet<string>;
  /** Column names read by each CHECK (table and domain constraints), by constraint name. */
  readonly checkColumns: ReadonlyMap<string, readonly string[]>;
  readonly notes: readonly string[];
}

export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const fkKey = (table: string, fk: ForeignKey) => `${table}\u0000${fk.name}`;
const SLOTS = 7;
const ROW_NUMBER = '"migrate_check g"';

/** The numbered rows of `fk`'s parent that a child may point at, as a subquery. */
export function parentRowsSql(fk: ForeignKey, partition: readonly number[] = []): string {
  const keys = fk.parentColumns.map(ident);
  const by = partition.length ? `PARTITION BY ${partition.map((k) => keys[k]).join(', ')} ` : '';
  const count = partition.length ? `, count(*) OVER (${by.trim()}) AS n` : '';
  return `(SELECT ${keys.map((k, n) => `${k} AS c${n}`).join(', ')}, row_number() OVER (${by}ORDER BY ${keys.join(', ')}) AS rn${count} FROM ${fk.parent} WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')})`;
}

type Source =
  | { kind: 'free'; gen: Generator }
  | { kind: 'injective'; gen: Generator }
  | { kind: 'parent'; join: number; index: number; nullable: boolean }
  | { kind: 'mirror'; of: string }
  | { kind: 'null' };

export function planTable(table: SeedTable, ctx: PlanContext): TablePlan | { skip: string } {
  const notes: string[] = [];
  const cols = table.columns.filter((c) => !c.omitted);
  const byNum = new Map(table.columns.map((c) => [c.attnum, c]));
  const gens = new Map(cols.map((c) => [c.name, columnGenerator(table, c, ctx.types)]));
  const nullable = (c: SeedColumn) => !c.notNull && !gens.get(c.name)?.notNull;
  const source = new Map<string, Source>();
  const joins: { fk: ForeignKey; rows: number; inner: boolean; injective: boolean; slot: number; shift: number; match: { index: number; ref: string }[] }[] = [];

  // Wider keys first: a composite key (tenant, id) draws the tenant its parent row holds, which
  // then satisfies the narrower key on the tenant alone.
  const fks = [...table.foreignKeys].sort((a, b) => b.columns.length - a.columns.length || (a.name < b.name ? -1 : 1));
  for (const fk of fks) {
    const fkCols = fk.columns.map((n) => byNum.get(n)!);
    const free = fkCols.filter((c) => !source.has(c.name));
    if (free.length === 0) continue;
    if (ctx.deferred.has(fkKey(table.name, fk))) {
      for (const c of free) source.set(c.name, { kind: 'null' });
      continue;
    }
    if (fk.parent === table.name) {
      fkCols.forEach((c, k) => source.set(c.name, { kind: 'mirror', of: fk.parentColumns[k]! }));
      continue;
    }
    const allNullable = fkCols.every(nullable);
    // Overlaps a foreign key already drawn (a shared tenant column): draw a parent row that
    // matches the values already drawn; failing that, a NULL in one of its own columns leaves it
    // unchecked (MATCH SIMPLE); otherwise draw it as well and let the server judge.
    const shared = fkCols.map((c, index) => ({ index, s: source.get(c.name) })).filter((x) => x.s !== undefined);
    const match = shared.every((x) => x.s!.kind === 'parent')
      ? shared.map(({ index, s }) => ({ index, ref: s!.kind === 'parent' ? `p${s!.join}.c${s!.index}` : '' }))
      : null;
    if (free.length < fkCols.length && !match) {
      const own = free.filter(nullable);
      if (own.length > 0 && !fk.matchFull) {
        for (const c of free) source.set(c.name, nullable(c) ? { kind: 'null' } : { kind: 'free', gen: gens.get(c.name)! });
        continue;
      }
    }
    const rows = ctx.parentRows.get(fkKey(table.name, fk)) ?? 0;
    if (rows === 0) {
      if (!allNullable) return { skip: `foreign key ${fk.name} needs rows in ${fk.parent}, which has none` };
      for (const c of free) source.set(c.name, { kind: 'null' });
      notes.push(`${fk.name} is NULL: ${fk.parent} has no rows`);
      continue;
    }
    // Two keys to one parent (sender, recipient) point at different rows.
    const shift = joins.filter((j) => j.fk.parent === fk.parent).length;
    const join = joins.push({ fk, rows, inner: !allNullable, injective: false, slot: table.columns.indexOf(fkCols[0]!), shift, match: match ?? [] }) - 1;
    fkCols.forEach((c, index) => {
      if (!source.has(c.name)) source.set(c.name, { kind: 'parent', join, index, nullable: allNullable });
    });
  }

  for (const key of table.uniqueKeys) {
    const keyCols = key.map((n) => byNum.get(n)!);
    if (keyCols.some((c) => c.sequenced || source.get(c.name)?.kind === 'injective')) continue;
    const candidates = keyCols.filter((c) => !c.omitted && !source.has(c.name) && gens.get(c.name)?.unique);
    candidates.sort((a, b) => gens.get(b.name)!.capacity - gens.get(a.name)!.capacity);
    const best = candidates[0];
    if (best) {
      source.set(best.name, { kind: 'injective', gen: gens.get(best.name)! });
      continue;
    }
    const viaParent = keyCols.map((c) => source.get(c.name)).find((s) => s?.kind === 'parent');
    if (viaParent?.kind === 'parent') joins[viaParent.join]!.injective = true;
  }

  for (const c of cols) {
    if (source.has(c.name)) continue;
    const gen = gens.get(c.name);
    if (gen) source.set(c.name, { kind: 'free', gen });
    else if (nullable(c)) {
      source.set(c.name, { kind: 'null' });
      notes.push(`${c.name} is NULL: no values are known for type ${c.typeName}`);
    } else return { skip: `column ${c.name} is NOT NULL and of type ${c.typeName}, for which no values are known` };
  }
  for (const [name, s] of source) {
    if (s.kind !== 'mirror') continue;
    const target = source.get(s.of);
    if (!target || target.kind === 'mirror') return { skip: `the self-reference ${name} → ${s.of} is NOT NULL and ${s.of} is set by the server, so no row can point at itself` };
  }

  const checkColumns = new Map<string, string[]>();
  for (const [name, check] of table.checks) checkColumns.set(name, check.columns.map((n) => byNum.get(n)?.name).filter((x): x is string => !!x));
  for (const c of cols) for (const check of domainChecks(c.type, ctx.types)) checkColumns.set(check, [...(checkColumns.get(check) ?? []), c.name]);
  const checkedColumns = new Set([...checkColumns.values()].flat().filter((n) => { const c = cols.find((x) => x.name === n); return c && nullable(c); }));

  // A sequence of a small type runs out too (smallserial stops at 32767).
  const sequenced = table.columns.filter((c) => c.sequenced).map((c) => generatorFor(c.type, c.typmod, ctx.types)?.capacity ?? Infinity);
  const capacity = (offset: number) =>
    Math.max(0, Math.min(...sequenced.map((n) => n - offset), ...[...source.values()].map((s) => (s.kind === 'injective' ? s.gen.capacity - offset : Infinity))));

  // The table's CHECKs on the inserted columns, evaluated on the candidate rows by name.
  const inserted = new Set(cols.map((c) => c.attnum));
  const filters = [...table.checks.values()]
    .filter((k) => k.columns.length > 0 && k.columns.every((n) => inserted.has(n)))
    .map((k) => /^CHECK \((.*)\)( NO INHERIT)?( NOT VALID)?$/s.exec(k.def)?.[1])
    .filter((body): body is string => body !== undefined);

  const sql = (attempt: Attempt): string => {
    const exprs = new Map<string, string>();
    const value = (c: SeedColumn): string => {
      const s = source.get(c.name)!;
      const slot = `((g + ${table.columns.indexOf(c)}) % ${SLOTS})`;
      const profile = attempt.plainColumns.has(c.name) ? 'plain' : attempt.profile;
      if (s.kind === 'null' || (attempt.nullColumns.has(c.name) && nullable(c) && s.kind !== 'injective')) return 'NULL';
      if (s.kind === 'injective') return s.gen.unique!(`g + ${attempt.offset}`);
      if (s.kind === 'mirror') return exprs.get(s.of) ?? value(cols.find((x) => x.name === s.of)!);
      if (s.kind === 'parent') {
        const ref = `p${s.join}.c${s.index}`;
        return s.nullable && profile !== 'plain' && !joins[s.join]!.injective ? `CASE WHEN ${slot} = 0 THEN NULL ELSE ${ref} END` : ref;
      }
      return freeValue(s.gen, table.columns.indexOf(c), profile, nullable(c));
    };
    for (const c of cols) exprs.set(c.name, `(${value(c)})::${c.typeName}`);
    const rows = Math.min(ctx.rows, capacity(attempt.offset));
    // With CHECKs to keep to, four times the candidates: the rows a CHECK refuses are left out.
    const from = [`generate_series(1::bigint, ${filters.length ? Math.min(4 * rows, capacity(attempt.offset)) : rows}) AS s(g)`];
    joins.forEach((j, n) => {
      if (j.match.length > 0) {
        // Among the parent rows that share the values already drawn.
        const same = j.match.map((m) => `p${n}.c${m.index} = ${m.ref}`).join(' AND ');
        from.push(`${j.inner ? 'JOIN' : 'LEFT JOIN'} ${parentRowsSql(j.fk, j.match.map((m) => m.index))} AS p${n} ON ${same} AND p${n}.rn = (g - 1) % p${n}.n + 1`);
        return;
      }
      const wrap = `(g - 1 + ${j.shift}) % ${j.rows} + 1`;
      const pick = j.injective ? 'g' : attempt.profile === 'plain' ? wrap : `CASE WHEN ((g + ${j.slot}) % ${SLOTS}) = 5 THEN ${1 + j.shift} ELSE ${wrap} END`;
      from.push(`${j.inner ? 'JOIN' : 'LEFT JOIN'} ${parentRowsSql(j.fk)} AS p${n} ON p${n}.rn = ${pick}`);
    });
    const names = cols.map((c) => ident(c.name));
    const list = cols.length ? ` (${names.join(', ')})` : '';
    if (filters.length === 0) return `INSERT INTO ${table.name}${list}\nSELECT ${cols.map((c) => exprs.get(c.name)!).join(',\n  ')}\nFROM ${from.join('\n  ')}\nORDER BY s.g`;
    const inner = [`s.g AS ${ROW_NUMBER}`, ...cols.map((c, k) => `${exprs.get(c.name)!} AS ${names[k]}`)];
    return `INSERT INTO ${table.name}${list}\nSELECT ${names.join(', ')} FROM (\nSELECT ${inner.join(',\n  ')}\nFROM ${from.join('\n  ')}) AS r\nWHERE ${filters.map((f) => `(${f}) IS NOT FALSE`).join(' AND ')}\nORDER BY r.${ROW_NUMBER} LIMIT ${rows}`;
  };
  const filtered = [...table.checks].filter(([, k]) => k.columns.length > 0 && k.columns.every((n) => inserted.has(n))).map(([name]) => name);
  return { sql, rows: (attempt) => Math.min(ctx.rows, capacity(attempt.offset)), filtered, checkedColumns, checkColumns, notes };
}

/** The column's generator, kept to what the CHECK constraints on it alone say (check-values.ts). */
function columnGenerator(table: SeedTable, c: SeedColumn, types: ReadonlyMap<number, TypeInfo>): Generator | null {
  const base = generatorFor(c.type, c.typmod, types);
  const defs = [...table.checks.values()].filter((k) => k.columns.length === 1 && k.columns[0] === c.attnum).map((k) => k.def);
  const shape = base && defs.length > 0 ? checkShape(defs, c.name) : null;
  if (!base || !shape) return base;
  const { category, limit } = baseScalar(c.type, c.typmod, types);
  return shapedGenerator(shape, base, category, limit) ?? base;
}

/** NULL, special values, the previous row's value and ordinary values, by slot. */
function freeValue(gen: Generator, shift: number, profile: Profile, nullable: boolean): string {
  if (profile === 'plain') return gen.ordinary('g');
  const slot = `((g + ${shift}) % ${SLOTS})`;
  const specials = gen.specials.filter((s) => profile === 'adversarial' || !s.extreme);
  const ordinary = gen.ordinary(`CASE WHEN ${slot} = 5 AND g > 1 THEN g - 1 ELSE g END`);
  const branches = [`WHEN ${slot} = 0 THEN ${nullable ? 'NULL' : gen.ordinary('g')}`];
  if (specials.length > 0) {
    // Slots 1–3 walk through the specials, so each appears within the first rows.
    const pick = `((((g + ${shift}) / ${SLOTS}) * 3 + ${slot} - 1) % ${specials.length})`;
    branches.push(`WHEN ${slot} <= 3 THEN CASE ${pick} ${specials.map((s, k) => `WHEN ${k} THEN ${s.sql}`).join(' ')} END`);
  }
  return `CASE ${branches.join(' ')} ELSE ${ordinary} END`;
}

/** The names of the CHECK constraints of every domain the type is built on. */
function domainChecks(oid: number, types: ReadonlyMap<number, TypeInfo>, depth = 0): string[] {
  const t = types.get(oid);
  if (!t || depth > 8) return [];
  const inner = [t.domainBase, t.element, t.rangeSubtype, ...t.attributes.map((a) => a.type)].filter((o): o is number => o !== null);
  return [...t.domainChecks, ...inner.flatMap((o) => domainChecks(o, types, depth + 1))];
}
