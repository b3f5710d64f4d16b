import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffSchemas } from './diff.ts';
import { SchemaLineage, SchemaVersion } from './versions.ts';

test('every version of a lineage keeps its own contents as later ones are made', () => {
  const lineage = new SchemaLineage();
  const empty = lineage.current;
  const a = lineage.commit(
    new Map([
      ['table t', 'x'],
      ['column t.a', 'int'],
    ]),
  );
  const b = lineage.commit(
    new Map<string, string | undefined>([
      ['column t.a', undefined],
      ['column t.b', 'text'],
    ]),
  );
  const c = lineage.commit(new Map([['table t', 'y']]));
  assert.equal(lineage.commit(new Map([['table t', 'y']])), c, 'nothing changed: the same version');
  assert.deepEqual([...empty], []);
  assert.deepEqual(
    new Map(a),
    new Map([
      ['table t', 'x'],
      ['column t.a', 'int'],
    ]),
  );
  assert.deepEqual(
    new Map(b),
    new Map([
      ['table t', 'x'],
      ['column t.b', 'text'],
    ]),
  );
  assert.deepEqual(
    new Map(c),
    new Map([
      ['table t', 'y'],
      ['column t.b', 'text'],
    ]),
  );
  assert.deepEqual([a.size, b.size, c.size], [2, 2, 2]);
  assert.equal(a.get('column t.a'), 'int');
  assert.equal(b.has('column t.a'), false);
});

test('diffs between versions of a lineage equal diffs between plain maps, in both directions', () => {
  const lineage = new SchemaLineage();
  const a = lineage.commit(
    new Map([
      ['table t', 'x'],
      ['index i', 'btree'],
      ['view v', 'select 1'],
    ]),
  );
  lineage.commit(new Map<string, string | undefined>([['index i', undefined]]));
  const c = lineage.commit(
    new Map<string, string | undefined>([
      ['view v', 'select 2'],
      ['index j', 'hash'],
      ['index i', 'btree'],
    ]),
  );
  const sorted = (d: ReturnType<typeof diffSchemas>) => ({
    ...d,
    added: d.added.sort((x, y) => x.key.localeCompare(y.key)),
    removed: d.removed.sort((x, y) => x.key.localeCompare(y.key)),
    changed: d.changed.sort((x, y) => x.key.localeCompare(y.key)),
  });
  for (const [x, y] of [
    [a, c],
    [c, a],
    [a, a],
  ] as [SchemaVersion, SchemaVersion][]) {
    assert.deepEqual(sorted(diffSchemas(x, y)), sorted(diffSchemas(new Map(x), new Map(y))));
  }
  assert.deepEqual(SchemaVersion.delta(a, new SchemaLineage().current), null, 'another lineage: no shortcut');
});
