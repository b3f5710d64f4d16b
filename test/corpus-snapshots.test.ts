// The incremental schema snapshot against a full catalog read after every step of every real
// project's history in ../shared/corpus: up, and down then up again where the project has downs,
// as the per-migration replay runs them. Once through the change log (a superuser's connection),
// once through catalog scans, as on a server whose role is not superuser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTwoFilesPatch } from 'diff';
import { DEFAULTS, settingsFor, type Config } from '../src/config.ts';
import { sessionSetup } from '../src/database/session.ts';
import { executeScript } from '../src/execute.ts';
import { fsDirectory } from '../src/files/directory.ts';
import { loadDirectory } from '../src/pipeline/load.ts';
import { CAPTURE_SCHEMA } from '../src/schema/capture.ts';
import { prepareInspector, readSchema, SchemaTracker, schemaText } from '../src/schema/snapshot.ts';
import { CASES } from './corpus-cases.ts';
import { corpusDir, sharedServer } from './helpers.ts';

const server = sharedServer();

for (const [c, mode] of CASES.flatMap((c) => [[c, 'change log'] as const, [c, 'catalog scans'] as const])) {
  const root = corpusDir(c.name);
  test(`corpus: ${c.name}: the incremental snapshot (${mode}) equals a full read after every step`, {
    skip: root ? false : `../shared/corpus/${c.name} is absent; the corpus lane needs the shared corpus`,
  }, async () => {
    const path = `${root}/${c.path}`;
    const config = { ...DEFAULTS, paths: [path], ...c.config } as Config;
    const loaded = await loadDirectory(path, settingsFor(config, path), fsDirectory, null);
    await using db = await server().createDatabase('corpus-snapshots');
    const migrate = await db.connect();
    const inspect = await db.connect();
    try {
      await prepareInspector(inspect);
      if (c.prelude) await migrate.query(c.prelude);
      await sessionSetup(loaded.settings)(migrate);
      if (loaded.set.bookkeeping) await migrate.query(loaded.set.bookkeeping);
      const tracker = new SchemaTracker(inspect);
      await tracker.reset();
      if (mode === 'catalog scans') {
        // Without its change log the tracker finds changes by the catalog rows written since its last read.
        await inspect.query(`DROP SCHEMA ${CAPTURE_SCHEMA} CASCADE`);
        await tracker.refresh();
      }
      let steps = 0;
      for (const m of loaded.set.migrations) {
        const scripts = m.up && m.down ? [m.up, m.down, m.up] : [m.up ?? m.down];
        let failedUp = false;
        for (const [i, script] of scripts.entries()) {
          if (!script) continue;
          const error = await executeScript(migrate, script);
          steps++;
          const what = `after ${i === 1 ? 'the down of' : 'the up of'} ${script.file}`;
          const [incremental, full] = [schemaText(await tracker.refresh()), schemaText(await readSchema(inspect))];
          if (incremental !== full)
            assert.fail(`${what}:\n${createTwoFilesPatch('full', 'incremental', full, incremental)}`);
          if (error && i === 0) failedUp = true;
          if (error) break;
        }
        // An up that fails ends a deploy (bionic-gpt's CREATE EXTENSION vector).
        if (failedUp) break;
      }
      assert.ok(steps > 0);
    } finally {
      await migrate.end();
      await inspect.end();
    }
  });
}
