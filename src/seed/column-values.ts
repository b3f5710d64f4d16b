import type { SeedColumn, SeedTable, TypeInfo } from './catalog.ts';
import { checkShape, shapedGenerator } from './check-values.ts';
import type { Profile } from './insert-plan.ts';
import type { Generator } from './scalar-values.ts';
import { baseScalar, generatorFor } from './values.ts';

/** Rows take a slot by `(g + column position) % 7`: 0 NULL, 1–3 special values, 5 the previous row's value. */
export const SLOTS = 7;

/** The column's generator, kept to what the CHECK constraints on it alone say (check-values.ts). */
export function columnGenerator(
  table: SeedTable,
  c: SeedColumn,
  types: ReadonlyMap<number, TypeInfo>,
): Generator | null {
  const base = generatorFor(c.type, c.typmod, types);
  const defs = [...table.checks.values()]
    .filter((k) => k.columns.length === 1 && k.columns[0] === c.attnum)
    .map((k) => k.def);
  const shape = base && defs.length > 0 ? checkShape(defs, c.name) : null;
  if (!base || !shape) return base;
  const { category, limit } = baseScalar(c.type, c.typmod, types);
  return shapedGenerator(shape, base, category, limit) ?? base;
}

/** NULL, special values, the previous row's value and ordinary values, by slot. */
export function freeValue(gen: Generator, shift: number, profile: Profile, nullable: boolean): string {
  if (profile === 'plain') return gen.ordinary('g');
  const slot = `((g + ${shift}) % ${SLOTS})`;
  const specials = gen.specials.filter((s) => profile === 'adversarial' || !s.extreme);
  const ordinary = gen.ordinary(`CASE WHEN ${slot} = 5 AND g > 1 THEN g - 1 ELSE g END`);
  const branches = [`WHEN ${slot} = 0 THEN ${nullable ? 'NULL' : gen.ordinary('g')}`];
  if (specials.length > 0) {
    // Slots 1–3 walk through the specials, so each appears within the first rows.
    const pick = `((((g + ${shift}) / ${SLOTS}) * 3 + ${slot} - 1) % ${specials.length})`;
    branches.push(
      `WHEN ${slot} <= 3 THEN CASE ${pick} ${specials.map((s, k) => `WHEN ${k} THEN ${s.sql}`).join(' ')} END`,
    );
  }
  return `CASE ${branches.join(' ')} ELSE ${ordinary} END`;
}

/** The names of the CHECK constraints of every domain the type is built on. */
export function domainChecks(oid: number, types: ReadonlyMap<number, TypeInfo>, depth = 0): string[] {
  const t = types.get(oid);
  if (!t || depth > 8) return [];
  const inner = [t.domainBase, t.element, t.rangeSubtype, ...t.attributes.map((a) => a.type)].filter(
    (o): o is number => o !== null,
  );
  return [...t.domainChecks, ...inner.flatMap((o) => domainChecks(o, types, depth + 1))];
}
