import { splitKey, type SchemaDiff } from '../schema/diff.ts';
import {
  alterColumn,
  comparable,
  create,
  drop,
  field,
  functionDef,
  indexTable,
  ofRelation,
  renamed,
  type Obj,
} from './restore-statements.ts';

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
    } else if (kind === 'table' && tableOptions(name, change.before, change.after)) {
      changes.push(...tableOptions(name, change.before, change.after)!);
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

/**
 * The statements that set a table's storage options (`options a=1, b=2`, its reloptions) back
 * to `before`'s: SET for a value that differs, RESET for one the down left set (a value set to
 * Postgres' default is still set). Null when anything else about the table differs.
 */
function tableOptions(name: string, before: string, after: string): string[] | null {
  const OPTIONS = /^options (.*)$/m;
  const rest = (def: string) => def.replace(/^options .*(\n|$)/m, '').replace(/^columns .*(\n|$)/m, '');
  if (rest(before) !== rest(after)) return null;
  const parse = (def: string) =>
    new Map(
      (OPTIONS.exec(def)?.[1] ?? '')
        .split(', ')
        .filter(Boolean)
        .map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)] as const),
    );
  const [was, now] = [parse(before), parse(after)];
  const set = [...was].filter(([k, v]) => now.get(k) !== v).map(([k, v]) => `${k} = ${v}`);
  const reset = [...now.keys()].filter((k) => !was.has(k));
  if (!set.length && !reset.length) return null;
  return [
    ...(reset.length ? [`ALTER TABLE ${name} RESET (${reset.join(', ')});`] : []),
    ...(set.length ? [`ALTER TABLE ${name} SET (${set.join(', ')});`] : []),
  ];
}
