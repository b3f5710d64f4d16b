import type { TypeInfo } from './catalog.ts';
import { checkShape, shapedGenerator } from './check-values.ts';
import { quote, scalarGenerator, type Generator } from './scalar-values.ts';

/**
 * The generator of any column type: built-in scalars (scalar-values.ts), and the types built from
 * them: domains (their base type, cast to the domain: its CHECK may still refuse a value, which
 * the seeder handles), enums (labels in order), arrays, ranges, multiranges and composite types.
 * Null for a type nothing is known about (an extension's opaque type, a pseudo-type).
 */
export function generatorFor(
  oid: number,
  typmod: number,
  types: ReadonlyMap<number, TypeInfo>,
  depth = 0,
): Generator | null {
  const type = types.get(oid);
  if (!type || depth > 8) return null;
  const cast = (sql: string) => `(${sql})::${type.name}`;

  if (type.kind === 'd' && type.domainBase !== null) {
    const baseTypmod = typmod >= 0 ? typmod : type.domainTypmod;
    const unshaped = generatorFor(type.domainBase, baseTypmod, types, depth + 1);
    if (!unshaped) return null;
    const shape = checkShape(type.domainCheckDefs, 'VALUE');
    const { category, limit } = baseScalar(type.domainBase, baseTypmod, types);
    const base = (shape && shapedGenerator(shape, unshaped, category, limit)) || unshaped;
    return {
      unique: base.unique && ((i) => cast(base.unique!(i))),
      capacity: base.capacity,
      ordinary: (i) => cast(base.ordinary(i)),
      specials: base.specials.map((s) => ({ ...s, sql: cast(s.sql) })),
      notNull: type.domainNotNull || base.notNull,
    };
  }

  if (type.kind === 'e') {
    const labels = `(ARRAY[${type.labels.map(quote).join(', ')}]::text[])`;
    const m = type.labels.length;
    if (m === 0) return null;
    return {
      unique: (i) => cast(`${labels}[${i}]`),
      capacity: m,
      ordinary: (i) => cast(`${labels}[((${i}) - 1) % ${m} + 1]`),
      specials: [quote(type.labels[0]!), quote(type.labels[m - 1]!)].map((sql) => ({ sql: cast(sql), extreme: false })),
    };
  }

  if (type.element !== null) {
    const element = generatorFor(type.element, typmod, types, depth + 1);
    if (!element) return null;
    const elementType = types.get(type.element)!;
    const nullable = !element.notNull;
    return {
      unique: element.unique && ((i) => cast(`ARRAY[${element.unique!(i)}]`)),
      capacity: element.capacity,
      ordinary: (i) => cast(`ARRAY[${element.ordinary(i)}, ${element.ordinary(`(${i}) + 1`)}]`),
      specials: [
        { sql: cast("'{}'"), extreme: false },
        ...(nullable ? [{ sql: cast(`ARRAY[NULL::${elementType.name}]`), extreme: false }] : []),
        ...element.specials.slice(0, 2).map((s) => ({ sql: cast(`ARRAY[${s.sql}]`), extreme: s.extreme })),
      ],
    };
  }

  if (type.kind === 'r' && type.rangeSubtype !== null) {
    const sub = generatorFor(type.rangeSubtype, -1, types, depth + 1);
    if (!sub?.unique) return null;
    const bound = sub.unique;
    // The constructor function is named after the range type, in its schema.
    const make = (lo: string, hi: string) => `${type.name}(${lo}, ${hi})`;
    return {
      // [2i, 2i+1): ranges that never overlap, for keys and exclusion constraints.
      unique: (i) => make(bound(`2 * (${i})`), bound(`2 * (${i}) + 1`)),
      capacity: Math.floor(sub.capacity / 2) - 1,
      ordinary: (i) => make(bound(`${i}`), bound(`(${i}) + 10`)),
      specials: [
        { sql: cast("'empty'"), extreme: false },
        {
          sql: make(`NULL::${types.get(type.rangeSubtype)!.name}`, `NULL::${types.get(type.rangeSubtype)!.name}`),
          extreme: false,
        },
        { sql: make(bound('1'), `NULL::${types.get(type.rangeSubtype)!.name}`), extreme: false },
      ],
    };
  }

  if (type.kind === 'm' && type.multirangeOf !== null) {
    const range = generatorFor(type.multirangeOf, -1, types, depth + 1);
    if (!range?.unique) return null;
    const make = (...ranges: string[]) => `${type.name}(${ranges.join(', ')})`;
    return {
      unique: (i) => make(range.unique!(i)),
      capacity: range.capacity,
      ordinary: (i) => make(range.ordinary(i), range.ordinary(`(${i}) + 100`)),
      specials: [{ sql: make(), extreme: false }],
    };
  }

  if (type.kind === 'c') {
    const parts = type.attributes.map((a) => generatorFor(a.type, a.typmod, types, depth + 1));
    if (parts.length === 0 || parts.some((p) => p === null)) return null;
    const [first, ...rest] = parts as Generator[];
    const row = (head: string, i: string) => cast(`ROW(${[head, ...rest.map((p) => p.ordinary(i))].join(', ')})`);
    return {
      unique: first!.unique && ((i) => row(first!.unique!(i), i)),
      capacity: first!.capacity,
      ordinary: (i) => row(first!.ordinary(i), i),
      specials: [],
    };
  }

  if (type.kind === 'b') return scalarGenerator(type.typname, typmod, type.category, type.name);
  return null;
}

/**
 * The category of the scalar type under any domains (`S` string, `N` numeric, …) and its length limit,
 * for varchar(n) and char(n).
 */
export function baseScalar(
  oid: number,
  typmod: number,
  types: ReadonlyMap<number, TypeInfo>,
): { category: string; limit: number | null } {
  let type = types.get(oid);
  for (let depth = 0; type?.kind === 'd' && type.domainBase !== null && depth < 8; depth++) {
    if (typmod < 0) typmod = type.domainTypmod;
    type = types.get(type.domainBase);
  }
  const limited = type && (type.typname === 'varchar' || type.typname === 'bpchar') && typmod >= 4;
  return { category: type?.category ?? '', limit: limited ? typmod - 4 : null };
}
