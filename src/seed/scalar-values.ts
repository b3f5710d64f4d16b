/**
 * Value generators for Postgres' built-in scalar types, as SQL expressions of a row index.
 *
 * Every expression is built from an integer SQL expression `i` (1, 2, 3, …) and constants only:
 * no random(), no now(), no session-dependent casts (timestamptz literals carry their offset and
 * step in hours, not days), so the same schema gets the same rows on every server.
 */

/** A value the schema allows that production data tends to hold and migrations tend to forget. */
export interface Special {
  readonly sql: string;
  /** The edge of the type's range (its maximum, NaN, infinity): dropped first when a table refuses them. */
  readonly extreme: boolean;
}

export interface Generator {
  /** An injective expression of `i` (increasing where the type is ordered), or null when the type has none. */
  readonly unique: ((i: string) => string) | null;
  /** How many distinct values `unique` yields from i = 1. */
  readonly capacity: number;
  readonly ordinary: (i: string) => string;
  readonly specials: readonly Special[];
  /** A domain's NOT NULL. */
  readonly notNull?: boolean;
}

export const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
const lit = (text: string, type: string) => `${quote(text)}::${type}`;
const plain = (...values: string[]): Special[] => values.map((sql) => ({ sql, extreme: false }));
const extreme = (...values: string[]): Special[] => values.map((sql) => ({ sql, extreme: true }));
const LONG_TEXT = 3000;

function integer(type: string, max: string, min: string, capacity: number): Generator {
  return {
    unique: (i) => `(${i})::${type}`,
    capacity,
    ordinary: (i) => `((${i}) % ${Math.min(capacity, 2147483647)})::${type}`,
    specials: [...plain(`0::${type}`, `(-1)::${type}`), ...extreme(`${max}::${type}`, `(${min})::${type}`)],
  };
}

/** `varchar(n)`, `char(n)`, `text` and string-like types: `limit` characters at most. */
function text(type: string, limit: number | null): Generator {
  const fit = (sql: string) => (limit === null ? sql : `left(${sql}, ${limit})`);
  const odd = ['', '12abc', ' 42', "O'Brien", 'ünïcødé ✓'];
  return {
    unique: (i) => `(${i})::text::${type}`,
    capacity: limit === null || limit >= 15 ? Number.MAX_SAFE_INTEGER : 10 ** limit - 1,
    ordinary: (i) => `${fit(`(${i})::text`)}::${type}`,
    specials: [
      ...plain(...odd.map((s) => `${fit(quote(s))}::${type}`)),
      // NOTE: exactly `limit` characters where there is a limit, so `TYPE varchar(shorter)` fails.
      ...plain(`repeat('x', ${limit ?? LONG_TEXT})::${type}`),
    ],
  };
}

/** numeric(p, s) from its typmod; unconstrained numeric when typmod is -1. */
function numeric(typmod: number): Generator {
  if (typmod < 4) {
    return {
      unique: (i) => `(${i})::numeric`,
      capacity: Number.MAX_SAFE_INTEGER,
      ordinary: (i) => `((${i})::numeric / 4)`,
      specials: [
        ...plain('0::numeric', '(-1)::numeric', '0.000001::numeric'),
        ...extreme("'NaN'::numeric", '1e30::numeric', '(-1e30)::numeric'),
      ],
    };
  }
  const precision = ((typmod - 4) >> 16) & 0xffff;
  const scale = (((typmod - 4) & 0x7ff) ^ 1024) - 1024; // sign-extended (negative scales: PG 15+)
  const type = `numeric(${precision},${scale})`;
  const digits = precision - scale; // digits before the point
  const step = `1e${-scale}`;
  const max = `(${10n ** BigInt(precision) - 1n}::numeric * ${step})`;
  return {
    unique: (i) => `((${i})::numeric * ${step})::${type}`,
    capacity: Math.min(10 ** precision - 1, Number.MAX_SAFE_INTEGER),
    ordinary: (i) =>
      digits > 0
        ? `((${i}) % ${10 ** Math.min(digits, 15)})::${type}`
        : `(((${i}) % ${10 ** Math.min(precision, 15)})::numeric * ${step})::${type}`,
    specials: [
      ...plain(`0::${type}`, digits > 0 ? `(-1)::${type}` : `(-${step})::${type}`),
      ...extreme(`${max}::${type}`, `(-${max})::${type}`, `'NaN'::${type}`),
    ],
  };
}

function float(type: string, max: string, capacity: number): Generator {
  return {
    unique: (i) => `(${i})::${type}`,
    capacity,
    ordinary: (i) => `((${i})::${type} / 8)`,
    specials: [
      ...plain(`0::${type}`, `(-1)::${type}`),
      ...extreme(`${max}::${type}`, `'NaN'::${type}`, `'Infinity'::${type}`, `'-Infinity'::${type}`),
    ],
  };
}

function fromText(
  type: string,
  unique: (i: string) => string,
  capacity: number,
  specials: string[],
  ordinary?: (i: string) => string,
): Generator {
  return { unique, capacity, ordinary: ordinary ?? unique, specials: plain(...specials.map((s) => lit(s, type))) };
}

const DATETIME_SPECIALS = [
  '1970-01-01 00:00:00',
  '1900-01-01 00:00:00',
  '2024-02-29 23:59:59.999999',
  '9999-12-31 23:59:59',
];

/** The generator of a built-in scalar type, by its `typname`, or null when the type is not one. */
export function scalarGenerator(typname: string, typmod: number, category: string, typeName: string): Generator | null {
  switch (typname) {
    case 'int2':
      return integer('int2', '32767', '-32768', 32767);
    case 'int4':
      return integer('int4', '2147483647', '-2147483648', 2147483647);
    case 'int8':
      return integer('int8', '9223372036854775807', '-9223372036854775808', Number.MAX_SAFE_INTEGER);
    case 'oid':
      return { ...integer('oid', '4294967295', '0', 4294967295), specials: plain('0::oid') };
    case 'numeric':
      return numeric(typmod);
    case 'float4':
      return float('float4', '3.4e38', 2 ** 24);
    case 'float8':
      return float('float8', '1.7e308', Number.MAX_SAFE_INTEGER);
    case 'money':
      return {
        unique: (i) => `(${i})::numeric::money`,
        capacity: Number.MAX_SAFE_INTEGER,
        ordinary: (i) => `((${i})::numeric / 4)::money`,
        specials: [...plain('0::money', '(-1)::numeric::money'), ...extreme("'92233720368547758.07'::numeric::money")],
      };
    case 'bool':
      return {
        unique: (i) => `((${i}) % 2 = 0)`,
        capacity: 2,
        ordinary: (i) => `((${i}) % 3 = 0)`,
        specials: plain('true', 'false'),
      };
    case 'text':
    case 'varchar':
    case 'bpchar':
      return text(typeName === 'text' ? 'text' : typname, typmod >= 4 ? typmod - 4 : typname === 'bpchar' ? 1 : null);
    case 'name':
      return text('name', 63);
    case 'char': // the one-byte internal type
      return {
        unique: (i) => `chr(64 + (${i})::int)::"char"`,
        capacity: 60,
        ordinary: (i) => `chr(65 + (${i})::int % 26)::"char"`,
        specials: plain(`'0'::"char"`),
      };
    case 'bytea':
      return {
        unique: (i) => `convert_to((${i})::text, 'UTF8')`,
        capacity: Number.MAX_SAFE_INTEGER,
        ordinary: (i) => `decode(md5((${i})::text), 'hex')`,
        specials: plain("''::bytea", "'\\x00'::bytea", `decode(repeat('ff', ${LONG_TEXT}), 'hex')`),
      };
    case 'uuid':
      return fromText(
        'uuid',
        (i) => `md5('u' || (${i}))::uuid`,
        Number.MAX_SAFE_INTEGER,
        ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
        (i) => `md5((${i})::text)::uuid`,
      );
    case 'date':
      return {
        unique: (i) => `(date '2000-01-01' + (${i})::int)`,
        capacity: 2_000_000,
        ordinary: (i) => `(date '2020-01-01' + ((${i}) % 3650)::int)`,
        specials: [
          ...plain("'1970-01-01'::date", "'1900-01-01'::date", "'2024-02-29'::date", "'9999-12-31'::date"),
          ...extreme("'infinity'::date", "'-infinity'::date"),
        ],
      };
    case 'time':
      return fromText(
        'time',
        (i) => `(time '00:00' + (${i}) * interval '1 second')`,
        86_399,
        ['00:00:00', '23:59:59.999999', '24:00:00'],
        (i) => `(time '00:00' + ((${i}) * 37 % 86400) * interval '1 second')`,
      );
    case 'timetz':
      return fromText('timetz', (i) => `(timetz '00:00:00+00' + (${i}) * interval '1 second')`, 86_399, [
        '00:00:00+00',
        '23:59:59-12',
        '12:00:00+14',
      ]);
    case 'timestamp':
    case 'timestamptz': {
      const zone = typname === 'timestamptz' ? '+00' : '';
      // NOTE: hours, not days: adding a day to a timestamptz depends on the session's time zone.
      return {
        unique: (i) => `(${typname} '2000-01-01 00:00:00${zone}' + (${i}) * interval '24 hours')`,
        capacity: 100_000_000,
        ordinary: (i) => `(${typname} '2020-01-01 00:00:00${zone}' + (${i}) * interval '1 hour 1 minute 1.5 seconds')`,
        specials: [
          ...plain(...DATETIME_SPECIALS.map((s) => lit(s + zone, typname))),
          ...extreme(`'infinity'::${typname}`, `'-infinity'::${typname}`),
        ],
      };
    }
    case 'interval':
      return {
        unique: (i) => `((${i}) * interval '1 second')`,
        capacity: Number.MAX_SAFE_INTEGER,
        ordinary: (i) => `((${i}) * interval '1 hour 1 minute')`,
        specials: [
          ...plain("'0'::interval", "'-1 day'::interval", "'1 month -1 day'::interval", "'100 years'::interval"),
          ...extreme("'-178000000 years'::interval"),
        ],
      };
    case 'json':
    case 'jsonb': {
      const odd = ['{}', '[]', 'null', '""', '0', '"12abc"', '{"a": {"b": [1, {"c": null}]}}'];
      return {
        unique: (i) => `${typname}_build_object('id', ${i})`,
        capacity: Number.MAX_SAFE_INTEGER,
        ordinary: (i) => `${typname}_build_object('n', ${i}, 'tag', 'tag ' || (${i}) % 5)`,
        specials: plain(...odd.map((s) => lit(s, typname))),
      };
    }
    case 'xml':
      return {
        unique: null,
        capacity: 0,
        ordinary: (i) => `xmlelement(name row, xmlattributes(${i} AS n))`,
        specials: plain("''::xml", "'<a/>'::xml", "'text only'::xml"),
      };
    case 'tsvector':
      return {
        unique: (i) => `('w' || (${i}))::tsvector`,
        capacity: Number.MAX_SAFE_INTEGER,
        ordinary: (i) => `to_tsvector('simple', 'word ' || (${i}))`,
        specials: plain("''::tsvector"),
      };
    case 'tsquery':
      return {
        unique: (i) => `('w' || (${i}))::tsquery`,
        capacity: Number.MAX_SAFE_INTEGER,
        ordinary: (i) => `('w' || (${i}) % 10)::tsquery`,
        specials: plain("'a & b'::tsquery"),
      };
    case 'inet':
      return fromText(
        'inet',
        (i) => `('10.0.0.0'::inet + (${i}))`,
        4_000_000_000,
        ['0.0.0.0', '255.255.255.255', '::1', '192.168.1.5/24', '2001:db8::/32'],
        (i) => `('192.168.0.0'::inet + (${i}) % 65536)`,
      );
    case 'cidr':
      return fromText('cidr', (i) => `('10.0.0.0'::inet + (${i}))::cidr`, 4_000_000_000, [
        '0.0.0.0/0',
        '::/0',
        '192.168.0.0/16',
      ]);
    case 'macaddr':
      return fromText('macaddr', (i) => `lpad(to_hex(${i}), 12, '0')::macaddr`, Number.MAX_SAFE_INTEGER, [
        '00:00:00:00:00:00',
        'ff:ff:ff:ff:ff:ff',
      ]);
    case 'macaddr8':
      return fromText('macaddr8', (i) => `lpad(to_hex(${i}), 16, '0')::macaddr8`, Number.MAX_SAFE_INTEGER, [
        '00:00:00:00:00:00:00:00',
      ]);
    case 'bit':
    case 'varbit': {
      const n = typmod > 0 ? typmod : typname === 'bit' ? 1 : 64;
      const bits = Math.min(n, 52);
      return {
        unique: (i) => `(${i})::int8::bit(${bits})::${typname === 'bit' ? `bit(${n})` : 'varbit'}`,
        capacity: 2 ** bits - 1,
        ordinary: (i) =>
          `((${i}) % ${2 ** Math.min(bits, 30)})::int8::bit(${bits})::${typname === 'bit' ? `bit(${n})` : 'varbit'}`,
        specials: plain(
          `repeat('0', ${n})::${typeName}`,
          `repeat('1', ${n})::${typeName}`,
          ...(typname === 'varbit' ? ["''::varbit"] : []),
        ),
      };
    }
    case 'pg_lsn':
      return fromText('pg_lsn', (i) => `('0/0'::pg_lsn + (${i}))`, Number.MAX_SAFE_INTEGER, [
        '0/0',
        'FFFFFFFF/FFFFFFFF',
      ]);
    case 'point':
      return {
        unique: null,
        capacity: 0,
        ordinary: (i) => `point(${i}, -(${i}))`,
        specials: [...plain('point(0, 0)'), ...extreme("point('NaN', 'Infinity')")],
      };
    case 'line':
      return { unique: null, capacity: 0, ordinary: (i) => `line(point(0, 0), point(1, ${i}))`, specials: [] };
    case 'lseg':
      return {
        unique: null,
        capacity: 0,
        ordinary: (i) => `lseg(point(0, 0), point(${i}, ${i}))`,
        specials: plain('lseg(point(0, 0), point(0, 0))'),
      };
    case 'box':
      return {
        unique: null,
        capacity: 0,
        ordinary: (i) => `box(point(0, 0), point(${i}, ${i}))`,
        specials: plain('box(point(0, 0), point(0, 0))'),
      };
    case 'path':
      return {
        unique: null,
        capacity: 0,
        ordinary: (i) => `path(polygon(box(point(0, 0), point(${i}, 1))))`,
        specials: plain("'[(0,0),(1,1)]'::path"),
      };
    case 'polygon':
      return {
        unique: null,
        capacity: 0,
        ordinary: (i) => `polygon(box(point(0, 0), point(${i}, 1)))`,
        specials: plain("'((0,0))'::polygon"),
      };
    case 'circle':
      return {
        unique: null,
        capacity: 0,
        ordinary: (i) => `circle(point(0, 0), ${i})`,
        specials: plain('circle(point(0, 0), 0)'),
      };
  }
  // Types from extensions that read text (citext and the like) take the text generator.
  if (category === 'S') return text(typeName, null);
  return null;
}
