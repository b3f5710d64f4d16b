import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDirectory } from '../files/directory.ts';
import type { Format, FormatOptions } from './format.ts';
import { detectFormat } from './index.ts';

export interface ConformanceCase {
  /** File name → content: a directory of this format with at least two migrations. */
  files: Record<string, string>;
  /** The versions in the order the tool applies them. */
  order: string[];
  options?: FormatOptions;
  /** Whether `--format auto` picks this format for `files` (false for sqlx and custom). */
  detected?: boolean;
}

/**
 * The contract every format keeps (see format.ts). Run it from the format's own test file
 * with a directory that exercises its ordering.
 */
export function formatConformance(format: Format, sample: ConformanceCase): void {
  test(
    `${format.id}: detection ` +
      (sample.detected === false
        ? 'leaves its layout to an explicit format'
        : 'picks it, and nothing else, for its own layout'),
    async () => {
      const dir = memoryDirectory('db', sample.files);
      if (sample.detected === false) {
        const picked = await detectFormat(dir).then(
          (f) => f.id,
          () => null,
        );
        assert.notEqual(picked, format.id);
      } else {
        assert.equal(await format.detect(dir, Object.keys(sample.files)), true);
        assert.equal((await detectFormat(dir)).id, format.id);
      }
      const other = memoryDirectory('db', { 'README.md': '# notes', 'schema.rb': '' });
      assert.equal(await format.detect(other, await other.list()), false);
    },
  );

  test(`${format.id}: orders migrations exactly as the tool does`, async () => {
    const set = await format.load(memoryDirectory('db', sample.files), sample.options);
    assert.deepEqual(
      set.migrations.map((m) => m.version),
      sample.order,
    );
    assert.equal(set.format, format.id);
  });

  test(`${format.id}: accounts for every file (a migration script or ignored with a reason)`, async () => {
    const files = { ...sample.files, 'README.md': '# notes', 'notes/old.sql': 'select 1;' };
    const set = await format.load(memoryDirectory('db', files), sample.options);
    const used = new Set(set.migrations.flatMap((m) => [m.up?.file, m.down?.file, m.verify?.file]).filter(Boolean));
    for (const file of Object.keys(files)) {
      const ignored = set.ignored.find((i) => i.file === file);
      assert.ok(used.has(`db/${file}`) || ignored, `${file} is neither a migration nor listed as ignored`);
      if (ignored) assert.match(ignored.reason, /\w{4,}/, `${file} is ignored without a reason`);
    }
  });

  test(`${format.id}: scripts carry file, 1-based positions and a transaction mode`, async () => {
    const set = await format.load(memoryDirectory('db', sample.files), sample.options);
    for (const script of set.migrations.flatMap((m) => [m.up, m.down]).filter((s) => s !== null)) {
      assert.match(script.file, /^db\//);
      assert.ok(['implicit', 'wrapped', 'none'].includes(script.transaction));
      for (const unit of script.units) assert.ok(unit.line >= 1 && unit.column >= 1);
    }
  });
}
