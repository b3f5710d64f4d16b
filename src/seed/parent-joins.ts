import { fkKey, ident, type ForeignKey, type SeedColumn, type SeedTable } from './catalog.ts';
import { SLOTS } from './column-values.ts';
import type { Profile } from './insert-plan.ts';
import type { Generator } from './scalar-values.ts';

/** Where a column's values come from. */
export type Source =
  | { kind: 'free'; gen: Generator }
  | { kind: 'injective'; gen: Generator }
  | { kind: 'parent'; join: number; index: number; nullable: boolean }
  | { kind: 'mirror'; of: string }
  | { kind: 'null' };

/** A parent joined to the generated rows: alias `p<n>`, its referenced columns `c0`, `c1`, …. */
export interface ParentJoin {
  readonly fk: ForeignKey;
  /** Parent rows with every referenced column set. */
  readonly rows: number;
  /** Some column of the key is NOT NULL: rows with no parent row are left out. */
  readonly inner: boolean;
  /** Row g takes parent row g (the key is all of a unique key's columns). */
  injective: boolean;
  /** The column position that decides, by slot, which rows repeat parent row 1. */
  readonly slot: number;
  /** How many earlier keys point at the same parent: this one starts that many rows later. */
  readonly shift: number;
  /** Referenced columns that must equal values another key already drew (a shared tenant column). */
  readonly match: readonly { index: number; ref: string }[];
}

/**
 * The numbered rows of `fk`'s parent that a child may point at, as a subquery (numbered within
 * `partition` when given).
 */
export function parentRowsSql(fk: ForeignKey, partition: readonly number[] = []): string {
  const keys = fk.parentColumns.map(ident);
  const by = partition.length ? `PARTITION BY ${partition.map((k) => keys[k]).join(', ')} ` : '';
  const count = partition.length ? `, count(*) OVER (${by.trim()}) AS n` : '';
  return (
    `(SELECT ${keys.map((k, n) => `${k} AS c${n}`).join(', ')}, row_number() ` +
    `OVER (${by}ORDER BY ${keys.join(', ')}) AS rn${count} FROM ${fk.parent} ` +
    `WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')})`
  );
}

/**
 * The FROM item joining parent `j` as `p<n>`: row g takes parent row g, or rows in turn with row 1
 * repeated by slot.
 */
export function joinSql(j: ParentJoin, n: number, profile: Profile): string {
  const kind = j.inner ? 'JOIN' : 'LEFT JOIN';
  if (j.match.length > 0) {
    // Among the parent rows that share the values already drawn.
    const same = j.match.map((m) => `p${n}.c${m.index} = ${m.ref}`).join(' AND ');
    return `${kind} ${parentRowsSql(
      j.fk,
      j.match.map((m) => m.index),
    )} AS p${n} ON ${same} AND p${n}.rn = (g - 1) % p${n}.n + 1`;
  }
  const wrap = `(g - 1 + ${j.shift}) % ${j.rows} + 1`;
  const pick = j.injective
    ? 'g'
    : profile === 'plain'
      ? wrap
      : `CASE WHEN ((g + ${j.slot}) % ${SLOTS}) = 5 THEN ${1 + j.shift} ELSE ${wrap} END`;
  return `${kind} ${parentRowsSql(j.fk)} AS p${n} ON p${n}.rn = ${pick}`;
}

/**
 * Decides, foreign key by foreign key, where its columns' values come from (into `source`): a
 * parent join, NULL (a deferred key, a parent with no rows), or the row's own values (a NOT
 * NULL self-reference). A table whose NOT NULL key has no parent row to point at is skipped.
 */
export function drawForeignKeys(
  table: SeedTable,
  ctx: { readonly parentRows: ReadonlyMap<string, number>; readonly deferred: ReadonlySet<string> },
  source: Map<string, Source>,
  nullable: (c: SeedColumn) => boolean,
): { joins: ParentJoin[]; notes: string[] } | { skip: string } {
  const byNum = new Map(table.columns.map((c) => [c.attnum, c]));
  const joins: ParentJoin[] = [];
  const notes: string[] = [];
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
        for (const c of own) source.set(c.name, { kind: 'null' });
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
    const join =
      joins.push({
        fk,
        rows,
        inner: !allNullable,
        injective: false,
        slot: table.columns.indexOf(fkCols[0]!),
        shift,
        match: match ?? [],
      }) - 1;
    fkCols.forEach((c, index) => {
      if (!source.has(c.name)) source.set(c.name, { kind: 'parent', join, index, nullable: allNullable });
    });
  }
  return { joins, notes };
}
