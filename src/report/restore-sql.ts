import { splitKey, type SchemaDiff } from '../schema/diff.ts';

/**
 * SQL that brings a schema back from what a down left (`diff.after`) to what it was before the
 * up (`diff.before`), written from the catalog definitions the snapshots hold. It covers the
 * common objects (tables, columns, indexes, constraints, types, enums, domains, sequences,
 * views, functions, triggers, policies, schemas, extensions); what it cannot write exactly is
 * listed in `unsupported`, never guessed. Pure.
 */
export interface RestoreSql {
  /** Statements, one per line (a function's body may span lines), each ending in `;`. */
  sql: string;
  /** Objects whose difference has no generated statement: `enum public.mood: the label 'x' was added`. */
  unsupported: string[];
}

type Obj = { key: string; def: string };

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
function ofRelation(name: string): [relation: string, part: string] {
  const parts = nameParts(name);
  return [parts.slice(0, -1).join('.'), parts.at(-1)!];
}

/** A definition's lines that start with `prefix `, without it. */
const field = (def: string, prefix: string): string | undefined =>
  def
    .split('\n')
    .find((l) => l.startsWith(`${prefix} `))
    ?.slice(prefix.length + 1);
const has = (def: string, line: string) => def.split('\n').includes(line);

/** What `ADD COLUMN` needs after the name, from a column's definition. */
function columnSpec(def: string): string {
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
const firstLine = (def: string) => def.split('\n')[0]!;
/** A view's query: from `definition ` to the `columns` line, without its final `;`. */
const viewQuery = (def: string) =>
  /^definition ([^]*?)\n(?:columns |owner |acl |comment )/m
    .exec(def + '\n')?.[1]
    ?.trim()
    .replace(/;$/, '');
/** A function's CREATE statement: the definition without the owner, acl and comment lines after it. */
const functionDef = (def: string) => def.replace(/(\n(owner|acl|comment) [^\n]*)+\s*$/, '').trimEnd();
/** The table an index is on: `CREATE INDEX i ON public.users USING …` → `public.users`. */
const indexTable = (def: string) => /^CREATE (?:UNIQUE )?INDEX \S+ ON (?:ONLY )?(\S+) USING/.exec(def)?.[1];

const DROP_ORDER = [
  'trigger',
  'rule',
  'policy',
  'constraint',
  'index',
  'materialized view',
  'view',
  'column',
  'table',
  'function',
  'procedure',
  'sequence',
  'domain',
  'enum',
  'type',
  'range',
  'schema',
  'extension',
];
const CREATE_ORDER = [
  'extension',
  'schema',
  'enum',
  'domain',
  'type',
  'range',
  'sequence',
  'table',
  'column',
  'function',
  'procedure',
  'constraint',
  'index',
  'view',
  'materialized view',
  'trigger',
  'rule',
  'policy',
];
const rank = (order: string[], key: string) => {
  const i = order.indexOf(splitKey(key)[0]);
  return i < 0 ? order.length : i;
};
/** Foreign keys go after the keys they reference, and are dropped before them. */
const isForeign = (o: Obj) => splitKey(o.key)[0] === 'constraint' && o.def.startsWith('FOREIGN KEY');

/** What drops an object the down left behind; null when it cannot be written. */
function drop({ key, def }: Obj): string | null {
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
function create({ key, def }: Obj, columns: Map<string, Obj[]>): string[] | null {
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
const comparable = (def: string) =>
  def
    .split('\n')
    .filter((l) => !l.startsWith('columns '))
    .join('\n');

/** What turns a column back into its definition before; null for a difference it cannot write. */
function alterColumn(name: string, before: string, after: string): string[] | null {
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
const renamed = (def: string, from: string, to: string) =>
  def.replace(new RegExp(`(?<![\\w"])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w"])`, 'g'), to);

/**
 * Tables dropped together, each after the tables whose foreign keys reference it (their keys go
 * with them); the other drops keep their order.
 */
function dependentsFirst(drops: Obj[], all: Obj[]): Obj[] {
  const isTable = (o: Obj) => splitKey(o.key)[0] === 'table';
  const tables = drops.filter(isTable).map((o) => splitKey(o.key)[1]);
  const references = new Map<string, Set<string>>(); // table → the tables its foreign keys reference
  for (const o of all.filter(isForeign)) {
    const owner = ofRelation(splitKey(o.key)[1])[0];
    const target = /REFERENCES ([^(]+)\(/.exec(o.def)?.[1];
    if (target && target !== owner) references.set(owner, (references.get(owner) ?? new Set()).add(target));
  }
  const ordered: string[] = [];
  const left = [...tables];
  while (left.length) {
    // A table no remaining table references goes first (a cycle keeps the listed order).
    const i = Math.max(
      0,
      left.findIndex((t) => !left.some((u) => u !== t && references.get(u)?.has(t))),
    );
    ordered.push(...left.splice(i, 1));
  }
  const at = drops.findIndex(isTable);
  const rest = drops.filter((o) => !isTable(o));
  const byName = new Map(drops.filter(isTable).map((o) => [splitKey(o.key)[1], o]));
  return at < 0 ? drops : [...rest.slice(0, at), ...ordered.map((t) => byName.get(t)!), ...rest.slice(at)];
}

export function restoreSql(diff: SchemaDiff): RestoreSql {
  const unsupported: string[] = [];
  const extra = [...diff.added];
  const missing = [...diff.removed];
  const renames: string[] = [];
  const renamedIn = new Map<string, [from: string, to: string][]>();

  // A column the down renamed: one left behind and one missing on the same table, defined alike
  // (or the only two of their type there, the rest of the difference altered back).
  const columnsOn = (list: Obj[], table: string) =>
    list.filter((o) => splitKey(o.key)[0] === 'column' && ofRelation(splitKey(o.key)[1])[0] === table);
  for (const left of extra.filter((o) => splitKey(o.key)[0] === 'column')) {
    const [table, column] = ofRelation(splitKey(left.key)[1]);
    const candidates = columnsOn(missing, table);
    const sameType = candidates.filter((o) => field(o.def, 'type') === field(left.def, 'type'));
    const alone = sameType.length === 1 && columnsOn(extra, table).length === 1 ? sameType[0] : undefined;
    const twin = candidates.find((o) => o.def === left.def) ?? alone;
    if (!twin) continue;
    const original = ofRelation(splitKey(twin.key)[1])[1];
    renames.push(`ALTER TABLE ${table} RENAME COLUMN ${column} TO ${original};`);
    if (twin.def !== left.def) {
      const back = alterColumn(`${table}.${original}`, twin.def, left.def);
      if (back) renames.push(...back);
      else unsupported.push(`${left.key}: renamed from ${original} and changed in a way no statement is generated for`);
    }
    renamedIn.set(table, [...(renamedIn.get(table) ?? []), [column, original]]);
    extra.splice(extra.indexOf(left), 1);
    missing.splice(missing.indexOf(twin), 1);
  }

  // Parts of a table that goes, or comes back, whole are dropped or created with it.
  const RELATIONS = ['table', 'view', 'materialized view', 'foreign table'];
  const tables = (list: Obj[]) =>
    new Set(list.filter((o) => RELATIONS.includes(splitKey(o.key)[0])).map((o) => splitKey(o.key)[1]));
  const partOf = (set: Set<string>) => (o: Obj) => {
    const [kind, name] = splitKey(o.key);
    if (kind === 'index') return set.has(indexTable(o.def) ?? '');
    if (!['column', 'constraint', 'trigger', 'rule', 'policy'].includes(kind)) return false;
    return set.has(ofRelation(name)[0]);
  };
  const droppedTables = tables(extra);
  const droppedColumns = new Set(extra.filter((o) => splitKey(o.key)[0] === 'column').map((o) => splitKey(o.key)[1]));
  const ownedSequence = (o: Obj) => {
    const owner = splitKey(o.key)[0] === 'sequence' ? field(o.def, 'owned by') : undefined;
    return owner !== undefined && (droppedColumns.has(owner) || droppedTables.has(ofRelation(owner)[0]));
  };
  const drops = dependentsFirst(
    extra
      .filter((o) => !(partOf(droppedTables)(o) && !RELATIONS.includes(splitKey(o.key)[0])) && !ownedSequence(o))
      .sort((a, b) => rank(DROP_ORDER, a.key) - rank(DROP_ORDER, b.key) || Number(isForeign(b)) - Number(isForeign(a))),
    extra,
  );

  const createdTables = tables(missing);
  const columns = new Map<string, Obj[]>();
  for (const o of missing.filter((o) => splitKey(o.key)[0] === 'column')) {
    const [table] = ofRelation(splitKey(o.key)[1]);
    columns.set(table, [...(columns.get(table) ?? []), o]);
  }
  const creates = missing
    .filter((o) => !(splitKey(o.key)[0] === 'column' && createdTables.has(ofRelation(splitKey(o.key)[1])[0])))
    .sort(
      (a, b) => rank(CREATE_ORDER, a.key) - rank(CREATE_ORDER, b.key) || Number(isForeign(a)) - Number(isForeign(b)),
    );

  const out: string[] = [];
  for (const o of drops) {
    const sql = drop(o);
    if (sql) out.push(sql);
    else unsupported.push(`${o.key}: left behind; no statement is generated to drop it`);
  }
  out.push(...renames);
  const changes: string[] = [];
  const recreate: Obj[] = [];
  for (const change of diff.changed) {
    const [kind, name] = splitKey(change.key);
    // The down renamed a column back: definitions that name it follow the rename.
    const [relation] = kind === 'index' ? [indexTable(change.after) ?? ''] : ofRelation(name);
    const after = (renamedIn.get(relation) ?? []).reduce((def, [from, to]) => renamed(def, from, to), change.after);
    if (after === change.before || comparable(after) === comparable(change.before)) continue;
    if (kind === 'column') {
      const sql = alterColumn(name, change.before, change.after);
      if (sql) changes.push(...sql);
      else unsupported.push(`${change.key}: changed in a way no statement is generated for`);
    } else if (['index', 'constraint', 'trigger', 'rule', 'policy', 'view', 'materialized view'].includes(kind)) {
      const sql = drop({ key: change.key, def: change.after });
      out.push(sql!);
      recreate.push({ key: change.key, def: change.before });
    } else if (['function', 'procedure'].includes(kind) && change.before.startsWith('CREATE ')) {
      changes.push(`${functionDef(change.before)};`);
    } else if (kind === 'enum') {
      const labels = (def: string) => (field(def, 'labels') ?? '').split(', ');
      const [was, now] = [labels(change.before), labels(change.after)];
      const added = now.filter((l) => !was.includes(l));
      if (added.length)
        unsupported.push(`${change.key}: the down leaves the label ${added.join(', ')} (Postgres cannot drop a label)`);
      else for (const l of was.filter((l) => !now.includes(l))) changes.push(`ALTER TYPE ${name} ADD VALUE ${l};`);
    } else {
      unsupported.push(`${change.key}: changed in a way no statement is generated for`);
    }
  }
  out.push(...changes);
  // A sequence is owned by its column once the column is back.
  const owned: string[] = [];
  for (const o of [...creates, ...recreate].sort(
    (a, b) => rank(CREATE_ORDER, a.key) - rank(CREATE_ORDER, b.key) || Number(isForeign(a)) - Number(isForeign(b)),
  )) {
    const sql = create(o, columns);
    if (!sql) unsupported.push(`${o.key}: missing; no statement is generated to create it`);
    for (const statement of sql ?? []) (/^ALTER SEQUENCE .* OWNED BY /.test(statement) ? owned : out).push(statement);
  }
  out.push(...owned);
  return { sql: out.join('\n'), unsupported };
}
