/**
 * Schema snapshots that share their storage: one database's successive schemas, each an
 * immutable `ReadonlyMap`, that cost (in time and memory) only what changed from one to the next.
 *
 * The newest version owns a live map. Every older one is a node holding the values it had for
 * the keys that changed since, and a link to the next version: reading an old version walks
 * those links towards the newest, and the difference between two versions is read from the
 * nodes between them, without looking at the keys that did not change. A version nobody holds
 * any more is freed with its node.
 */

export interface Node {
  /** The order versions were made in. */
  readonly seq: number;
  /** The next version, and this version's values (undefined: absent) of the keys that changed there. */
  next: Node | null;
  changes: Map<string, string | undefined> | null;
}

/** The versions of one schema: the newest one's map, which `commit` changes in place. */
export class SchemaLineage {
  readonly #live = new Map<string, string>();
  #head: Node = { seq: 0, next: null, changes: null };
  #version: SchemaVersion;

  constructor() {
    this.#version = new SchemaVersion(this, this.#head, 0);
  }

  /** The newest version. */
  get current(): SchemaVersion {
    return this.#version;
  }

  /** The live map of the newest version (read only; change it through `commit`). */
  get live(): ReadonlyMap<string, string> {
    return this.#live;
  }

  /**
   * Makes a new version from the newest one, with `values` (key → definition; undefined removes
   * the key). Returns the newest version unchanged when no value differs.
   */
  commit(values: ReadonlyMap<string, string | undefined>): SchemaVersion {
    const before = new Map<string, string | undefined>();
    for (const [key, value] of values) {
      const old = this.#live.get(key);
      if (old === value) continue;
      before.set(key, old);
      if (value === undefined) this.#live.delete(key);
      else this.#live.set(key, value);
    }
    if (before.size === 0) return this.#version;
    const node: Node = { seq: this.#head.seq + 1, next: null, changes: null };
    this.#head.next = node;
    this.#head.changes = before;
    this.#head = node;
    this.#version = new SchemaVersion(this, node, this.#live.size);
    return this.#version;
  }

  /** The values `node` had for the keys that changed after it (empty for the newest). */
  static overrides(from: Node, to: Node | null): Map<string, string | undefined> {
    const seen = new Map<string, string | undefined>();
    for (let n: Node | null = from; n && n !== to; n = n.next) {
      for (const [key, value] of n.changes ?? []) if (!seen.has(key)) seen.set(key, value);
    }
    return seen;
  }

  isHead(node: Node): boolean {
    return node === this.#head;
  }
}

/** One schema of a lineage. */
export class SchemaVersion implements ReadonlyMap<string, string> {
  readonly #lineage: SchemaLineage;
  readonly #node: Node;
  readonly size: number;

  constructor(lineage: SchemaLineage, node: Node, size: number) {
    this.#lineage = lineage;
    this.#node = node;
    this.size = size;
  }

  get(key: string): string | undefined {
    for (let n: Node | null = this.#node; n?.changes; n = n.next) if (n.changes.has(key)) return n.changes.get(key);
    return this.#lineage.live.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** This version as a map of its own: the live map itself for the newest version, else a copy. */
  #map(): ReadonlyMap<string, string> {
    if (this.#lineage.isHead(this.#node)) return this.#lineage.live;
    const map = new Map(this.#lineage.live);
    for (const [key, value] of SchemaLineage.overrides(this.#node, null)) {
      if (value === undefined) map.delete(key);
      else map.set(key, value);
    }
    return map;
  }

  entries(): MapIterator<[string, string]> {
    return this.#map().entries();
  }
  keys(): MapIterator<string> {
    return this.#map().keys();
  }
  values(): MapIterator<string> {
    return this.#map().values();
  }
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
  forEach(fn: (value: string, key: string, map: ReadonlyMap<string, string>) => void): void {
    for (const [key, value] of this.entries()) fn(value, key, this);
  }

  /**
   * The keys whose values differ between `a` and `b`, with both values (undefined: absent), when
   * both are versions of one lineage; null otherwise. Costs what changed between them.
   */
  static delta(a: SchemaVersion, b: SchemaVersion): [string, string | undefined, string | undefined][] | null {
    if (a.#lineage !== b.#lineage) return null;
    if (a.#node === b.#node) return [];
    const [older, newer] = a.#node.seq < b.#node.seq ? [a, b] : [b, a];
    const out: [string, string | undefined, string | undefined][] = [];
    for (const [key, was] of SchemaLineage.overrides(older.#node, newer.#node)) {
      const now = newer.get(key);
      if (was === now) continue;
      out.push(older === a ? [key, was, now] : [key, now, was]);
    }
    return out;
  }
}
