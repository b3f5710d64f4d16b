import { splitKey } from '../schema/diff.ts';

/** One statement per kind of object, from the catalog definitions a snapshot holds (see restore-sql.ts). */

export type Obj = { key: string; def: string };

/** The parts of a qualified name, quotes kept: `public."a.b".c` → ['public', '"a.b"', 'c']. */
export function nameParts(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === '"') {
      if (quoted && name[i + 1] === '"') {
        current += '""';
        i++;
        continue;
      }
      quoted = !quoted;
      current += c;
    } else if (c === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** `public.users.email` → ['public.users', 'email']: the relation and its part's name. */
export function ofRelation(name: string): [relation: string, part: string] {
  const parts = nameParts(name);
  return [parts.slice(0, -1).join('.'), parts.at(-1)!];
}

/** A definition's lines that start with `prefix `, without it. */
export const field = (def: string, prefix: string): string | undefined =>
  def
    .split('\n')
    .find((l) => l.startsWith(`${prefix} `))
    ?.slice(prefix.length + 1);
export const has = (def: string, line: string) => def.split('\n').includes(line);

/** What `ADD COLUMN` needs after the name, from a column's definition. */
export function columnSpec(def: string): string {
  const parts = [field(def, 'type')!];
  const collate = field(def, 'collate');
  if (collate) parts.push(`COLLATE ${collate}`);
  const generated = /^generated always as (.*) stored$/m.exec(def);
  const identity = /^generated (always|by default) as identity$/m.exec(def);
  const dflt = field(def, 'default');
  if (generated) parts.push(`GENERATED ALWAYS AS (${generated[1]}) STORED`);
  else if (dflt !== undefined) parts.push(`DEFAULT ${dflt}`);
  if (has(def, 'not null')) parts.push('NOT NULL');
  if (identity) parts.push(`GENERATED ${identity[1]!.toUpperCase()} AS IDENTITY`);
  return parts.join(' ');
}

/** The first line of a definition that Postgres writes as one statement (indexes, triggers). */
export const firstLine = (def: string) => def.split('\n')[0]!;
/** A view's query: from `definition ` to the `columns` line, without its final `;`. */
export const viewQuery = (def: string) =>
  /^definition ([^]*?)\n(?:columns |owner |acl |comment )/m
    .exec(def + '\n')?.[1]
    ?.trim()
    .replace(/;$/, '');
/** A function's CREATE statement: the definition without the owner, acl and comment lines after it. */
export const functionDef = (def: string) => def.replace(/(\n(owner|acl|comment) [^\n]*)+\s*$/, '').trimEnd();
/** The table an index is on: `CREATE INDEX i ON public.users USING …` → `public.users`. */
export const indexTable = (def: string) => /^CREATE (?:UNIQUE )?INDEX \S+ ON (?:ONLY )?(\S+) USING/.exec(def)?.[1];

/** What drops an object the down left behind; null when it cannot be written. */
export function drop({ key, def }: Obj): string | null {
  const [kind, name] = splitKey(key);
  switch (kind) {
    case 'table':
    case 'view':
    case 'materialized view':
    case 'sequence':
    case 'index':
    case 'schema':
    case 'extension':
    case 'domain':
      return `DROP ${kind.toUpperCase()} ${name};`;
    case 'enum':
    case 'type':
    case 'range':
      return `DROP TYPE ${name};`;
    case 'function':
    case 'procedure':
      return `DROP ${kind.toUpperCase()} ${name};`;
    case 'column': {
      const [table, column] = ofRelation(name);
      return `ALTER TABLE ${table} DROP COLUMN ${column};`;
    }
    case 'constraint': {
      const [table, constraint] = ofRelation(name);
      return `ALTER TABLE ${table} DROP CONSTRAINT ${constraint};`;
    }
    case 'trigger':
    case 'rule':
    case 'policy': {
      const [table, part] = ofRelation(name);
      return `DROP ${kind.toUpperCase()} ${part} ON ${table};`;
    }
    default:
      void def;
      return null;
  }
}

/** What creates an object the down removed; null when it cannot be written. */
export function create({ key, def }: Obj, columns: Map<string, Obj[]>): string[] | null {
  const [kind, name] = splitKey(key);
  switch (kind) {
    case 'extension':
      return [`CREATE EXTENSION ${name} SCHEMA ${field(def, 'schema')} VERSION '${field(def, 'version')}';`];
    case 'schema':
      return [`CREATE SCHEMA ${name};`];
    case 'enum':
      return [`CREATE TYPE ${name} AS ENUM (${field(def, 'labels') ?? ''});`];
    case 'domain': {
      const parts = [`CREATE DOMAIN ${name} AS ${field(def, 'base')}`];
      const dflt = field(def, 'default');
      if (dflt !== undefined) parts.push(`DEFAULT ${dflt}`);
      if (has(def, 'not null')) parts.push('NOT NULL');
      for (const line of def.split('\n').filter((l) => l.startsWith('check ')))
        parts.push(`CONSTRAINT ${line.slice('check '.length)}`);
      return [`${parts.join(' ')};`];
    }
    case 'type': {
      const attributes = field(def, 'attributes');
      return attributes === undefined ? null : [`CREATE TYPE ${name} AS (${attributes});`];
    }
    case 'range':
      return [`CREATE TYPE ${name} AS RANGE (SUBTYPE = ${field(def, 'subtype')});`];
    case 'sequence': {
      const m = /^sequence (.+) start (-?\d+) increment (-?\d+) min (-?\d+) max (-?\d+) cache (\d+)( cycle)?$/m.exec(
        def,
      );
      if (!m) return null;
      const [, type, start, inc, min, max, cache, cycle] = m;
      const out = [
        `CREATE SEQUENCE ${name} AS ${type} START ${start} INCREMENT ${inc} MINVALUE ${min} MAXVALUE ${max} ` +
          `CACHE ${cache}${cycle ? ' CYCLE' : ''};`,
      ];
      const owner = field(def, 'owned by');
      if (owner) out.push(`ALTER SEQUENCE ${name} OWNED BY ${owner};`);
      return out;
    }
    case 'table': {
      if (field(def, 'partition by') || field(def, 'partition of') || field(def, 'inherits')) return null;
      const order = (field(def, 'columns') ?? '').split(', ').filter(Boolean);
      const own = columns.get(name) ?? [];
      const specs = order.map((column) => {
        const found = own.find((c) => ofRelation(splitKey(c.key)[1])[1] === column);
        return found ? `  ${column} ${columnSpec(found.def)}` : null;
      });
      if (specs.some((s) => s === null)) return null;
      const out = [`CREATE ${has(def, 'unlogged') ? 'UNLOGGED ' : ''}TABLE ${name} (\n${specs.join(',\n')}\n);`];
      if (has(def, 'row level security')) out.push(`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;`);
      if (has(def, 'force row level security')) out.push(`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY;`);
      return out;
    }
    case 'column': {
      const [table, column] = ofRelation(name);
      return [`ALTER TABLE ${table} ADD COLUMN ${column} ${columnSpec(def)};`];
    }
    case 'constraint': {
      const [table, constraint] = ofRelation(name);
      const notValid = has(def, 'not valid') ? ' NOT VALID' : '';
      return [`ALTER TABLE ${table} ADD CONSTRAINT ${constraint} ${firstLine(def)}${notValid};`];
    }
    case 'index':
    case 'trigger':
      return [`${firstLine(def)};`];
    case 'rule':
      return [firstLine(def).endsWith(';') ? firstLine(def) : `${firstLine(def)};`];
    case 'view':
    case 'materialized view': {
      const query = viewQuery(def);
      return query === undefined ? null : [`CREATE ${kind.toUpperCase()} ${name} AS\n${query};`];
    }
    case 'function':
    case 'procedure':
      return def.startsWith('CREATE ') ? [`${functionDef(def)};`] : null;
    case 'policy': {
      const [table, policy] = ofRelation(name);
      const how = /^(permissive|restrictive) for (\w+)$/m.exec(def);
      if (!how) return null;
      const parts = [`CREATE POLICY ${policy} ON ${table} AS ${how[1]!.toUpperCase()} FOR ${how[2]!.toUpperCase()}`];
      const to = field(def, 'to');
      if (to) parts.push(`TO ${to}`);
      const using = field(def, 'using');
      if (using) parts.push(`USING (${using})`);
      const check = field(def, 'with check');
      if (check) parts.push(`WITH CHECK (${check})`);
      return [`${parts.join(' ')};`];
    }
    default:
      return null;
  }
}

/** Lines of a definition that only differ in what the generator leaves alone (the column list: see columns). */
export const comparable = (def: string) =>
  def
    .split('\n')
    .filter((l) => !l.startsWith('columns '))
    .join('\n');

/** What turns a column back into its definition before; null for a difference it cannot write. */
export function alterColumn(name: string, before: string, after: string): string[] | null {
  const [table, column] = ofRelation(name);
  const at = `ALTER TABLE ${table} ALTER COLUMN ${column}`;
  const out: string[] = [];
  const rest = (def: string) =>
    def
      .split('\n')
      .filter((l) => !/^(type|default|not null)( |$)/.test(l))
      .join('\n');
  if (rest(before) !== rest(after)) return null;
  const type = field(before, 'type')!;
  if (type !== field(after, 'type')) out.push(`${at} TYPE ${type} USING ${column}::${type};`);
  const dflt = field(before, 'default');
  if (dflt !== field(after, 'default'))
    out.push(dflt === undefined ? `${at} DROP DEFAULT;` : `${at} SET DEFAULT ${dflt};`);
  if (has(before, 'not null') !== has(after, 'not null'))
    out.push(`${at} ${has(before, 'not null') ? 'SET' : 'DROP'} NOT NULL;`);
  return out;
}

/** The same word, whole, replaced: a column's name in an index or constraint definition. */
export const renamed = (def: string, from: string, to: string) =>
  def.replace(new RegExp(`(?<![\\w"])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w"])`, 'g'), to);
