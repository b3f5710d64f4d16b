import { ident, type SeedColumn, type SeedTable, type TypeInfo } from './catalog.ts';
import { columnGenerator, domainChecks, freeValue, SLOTS } from './column-values.ts';
import { drawForeignKeys, joinSql, type Source } from './parent-joins.ts';
import { generatorFor } from './values.ts';

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

const ROW_NUMBER = '"migrate_check g"';

export function planTable(table: SeedTable, ctx: PlanContext): TablePlan | { skip: string } {
  const notes: string[] = [];
  const cols = table.columns.filter((c) => !c.omitted);
  const byNum = new Map(table.columns.map((c) => [c.attnum, c]));
  const gens = new Map(cols.map((c) => [c.name, columnGenerator(table, c, ctx.types)]));
  const nullable = (c: SeedColumn) => !c.notNull && !gens.get(c.name)?.notNull;
  const source = new Map<string, Source>();

  const drawn = drawForeignKeys(table, ctx, source, nullable);
  if ('skip' in drawn) return drawn;
  const { joins } = drawn;
  notes.push(...drawn.notes);

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
    if (!target || target.kind === 'mirror')
      return {
        skip:
          `the self-reference ${name} → ${s.of} is NOT NULL and ${s.of} ` +
          `is set by the server, so no row can point at itself`,
      };
  }

  const checkColumns = new Map<string, string[]>();
  for (const [name, check] of table.checks)
    checkColumns.set(
      name,
      check.columns.map((n) => byNum.get(n)?.name).filter((x): x is string => !!x),
    );
  for (const c of cols)
    for (const check of domainChecks(c.type, ctx.types))
      checkColumns.set(check, [...(checkColumns.get(check) ?? []), c.name]);
  const checkedColumns = new Set(
    [...checkColumns.values()].flat().filter((n) => {
      const c = cols.find((x) => x.name === n);
      return c && nullable(c);
    }),
  );

  // A sequence of a small type runs out too (smallserial stops at 32767).
  const sequenced = table.columns
    .filter((c) => c.sequenced)
    .map((c) => generatorFor(c.type, c.typmod, ctx.types)?.capacity ?? Infinity);
  const capacity = (offset: number) =>
    Math.max(
      0,
      Math.min(
        ...sequenced.map((n) => n - offset),
        ...[...source.values()].map((s) => (s.kind === 'injective' ? s.gen.capacity - offset : Infinity)),
      ),
    );

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
      if (s.kind === 'null' || (attempt.nullColumns.has(c.name) && nullable(c) && s.kind !== 'injective'))
        return 'NULL';
      if (s.kind === 'injective') return s.gen.unique!(`g + ${attempt.offset}`);
      if (s.kind === 'mirror') return exprs.get(s.of) ?? value(cols.find((x) => x.name === s.of)!);
      if (s.kind === 'parent') {
        const ref = `p${s.join}.c${s.index}`;
        return s.nullable && profile !== 'plain' && !joins[s.join]!.injective
          ? `CASE WHEN ${slot} = 0 THEN NULL ELSE ${ref} END`
          : ref;
      }
      return freeValue(s.gen, table.columns.indexOf(c), profile, nullable(c));
    };
    for (const c of cols) exprs.set(c.name, `(${value(c)})::${c.typeName}`);
    const rows = Math.min(ctx.rows, capacity(attempt.offset));
    // With CHECKs to keep to, four times the candidates: the rows a CHECK refuses are left out.
    const from = [
      `generate_series(1::bigint, ${filters.length ? Math.min(4 * rows, capacity(attempt.offset)) : rows}) AS s(g)`,
    ];
    joins.forEach((j, n) => from.push(joinSql(j, n, attempt.profile)));
    const names = cols.map((c) => ident(c.name));
    const list = cols.length ? ` (${names.join(', ')})` : '';
    if (filters.length === 0)
      return (
        `INSERT INTO ${table.name}${list}\nSELECT ${cols.map((c) => exprs.get(c.name)!).join(',\n  ')}\n` +
        `FROM ${from.join('\n  ')}\nORDER BY s.g`
      );
    const inner = [`s.g AS ${ROW_NUMBER}`, ...cols.map((c, k) => `${exprs.get(c.name)!} AS ${names[k]}`)];
    // NOTE: the candidates are a materialized CTE, planned without the LIMIT: planned with it,
    // the joins to the parents become nested loops that expect to stop early, and never do.
    return (
      `WITH r AS MATERIALIZED (\nSELECT ${inner.join(',\n  ')}\nFROM ${from.join('\n  ')})\n` +
      `INSERT INTO ${table.name}${list}\nSELECT ${names.join(', ')} FROM r\n` +
      `WHERE ${filters.map((f) => `(${f}) IS NOT FALSE`).join(' AND ')}\nORDER BY r.${ROW_NUMBER} LIMIT ${rows}`
    );
  };
  const filtered = [...table.checks]
    .filter(([, k]) => k.columns.length > 0 && k.columns.every((n) => inserted.has(n)))
    .map(([name]) => name);
  return {
    sql,
    rows: (attempt) => Math.min(ctx.rows, capacity(attempt.offset)),
    filtered,
    checkedColumns,
    checkColumns,
    notes,
  };
}
