import { fkKey, type SeedTable } from './catalog.ts';

export interface TableOrder {
  /** Parents before children; among tables that are ready, by name. */
  readonly order: readonly SeedTable[];
  /**
   * Foreign keys (fkKey) the INSERT leaves NULL, filled once every table has rows: nullable
   * self-references and the edge that breaks each cycle.
   */
  readonly deferred: ReadonlySet<string>;
  /** Tables left out because their foreign keys form a cycle with no nullable column. */
  readonly skipped: ReadonlyMap<string, string>;
}

/**
 * Orders the tables to fill so that every parent is filled before its children (foreign keys to
 * tables outside the set only need the rows those tables already hold). A cycle is broken at a
 * foreign key whose columns are all nullable; a cycle with none skips its first table by name.
 * `nullable(table, attnum)` says whether a column may hold NULL (column and domain NOT NULL).
 */
export function orderTables(
  tables: readonly SeedTable[],
  nullable: (table: SeedTable, attnum: number) => boolean,
): TableOrder {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const deferred = new Set<string>();
  const skipped = new Map<string, string>();
  const allNullable = (t: SeedTable, columns: readonly number[]) => columns.every((n) => nullable(t, n));

  // edges: child name → parent names it waits for
  const waits = new Map<string, Set<string>>();
  for (const t of tables) {
    const parents = new Set<string>();
    for (const fk of t.foreignKeys) {
      if (fk.parent === t.name) {
        if (allNullable(t, fk.columns)) deferred.add(fkKey(t.name, fk));
      } else if (byName.has(fk.parent)) parents.add(fk.parent);
    }
    waits.set(t.name, parents);
  }

  const order: SeedTable[] = [];
  const remaining = new Set(tables.map((t) => t.name));
  const take = (name: string) => {
    remaining.delete(name);
    for (const parents of waits.values()) parents.delete(name);
  };
  while (remaining.size > 0) {
    const ready = [...remaining].find((n) => waits.get(n)!.size === 0);
    if (ready !== undefined) {
      order.push(byName.get(ready)!);
      take(ready);
      continue;
    }
    // Stuck: every remaining table waits for another. Break a cycle at a nullable foreign key.
    const onCycle = (child: string, parent: string) => reaches(parent, child, waits);
    const candidates = [...remaining].flatMap((name) =>
      byName
        .get(name)!
        .foreignKeys.filter(
          (fk) =>
            fk.parent !== name &&
            remaining.has(fk.parent) &&
            waits.get(name)!.has(fk.parent) &&
            onCycle(name, fk.parent),
        )
        .map((fk) => ({ child: name, fk })),
    );
    const breakable = candidates.find(({ child, fk }) => allNullable(byName.get(child)!, fk.columns));
    if (breakable) {
      deferred.add(fkKey(breakable.child, breakable.fk));
      // The child still waits for that parent through any other, NOT NULL foreign key.
      const stillNeeded = byName
        .get(breakable.child)!
        .foreignKeys.some((fk) => fk.parent === breakable.fk.parent && !deferred.has(fkKey(breakable.child, fk)));
      if (!stillNeeded) waits.get(breakable.child)!.delete(breakable.fk.parent);
      continue;
    }
    const first = [...remaining].sort()[0]!;
    const cycle = cyclePath(first, waits);
    skipped.set(first, `its foreign keys form a cycle (${cycle.join(' → ')}) with no nullable column to break it`);
    take(first);
  }
  return { order, deferred, skipped };
}

/** Whether `from` waits, directly or not, for `to`. */
function reaches(from: string, to: string, waits: ReadonlyMap<string, Set<string>>): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === to) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(waits.get(n) ?? []));
  }
  return false;
}

/** A cycle through `start`, as table names from it back to it. */
function cyclePath(start: string, waits: ReadonlyMap<string, Set<string>>): string[] {
  const path = [start];
  let at = start;
  for (let k = 0; k < 50; k++) {
    const next = [...(waits.get(at) ?? [])].sort().find((p) => p === start || reaches(p, start, waits));
    if (next === undefined) break;
    path.push(next);
    if (next === start) break;
    at = next;
  }
  return path;
}
