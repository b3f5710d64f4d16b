import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startEmbedded, type EmbeddedServer } from '../src/database/embedded.ts';
import { fsDirectory } from '../src/files/directory.ts';
import { detectFormat } from '../src/formats/index.ts';
import { renderPlaceholders } from '../src/migration.ts';
import { replay } from '../src/replay.ts';
import { splitKey } from '../src/schema/diff.ts';
import { CAPTURE_SCHEMA, CAPTURE_TRIGGERS } from '../src/schema/capture.ts';
import { prepareInspector, readSchema } from '../src/schema/snapshot.ts';
import { corpusDir, FIXTURES, ROOT } from './helpers.ts';

/**
 * Completeness of the schema snapshot: on real directories, every object `pg_dump
 * --schema-only` emits as an entry of its own is in our snapshot, and vice versa.
 * Needs Debian's pg_dump 15 (postgresql-client-15) and the Postgres 15 binaries.
 */
const PG_DUMP = ['/usr/lib/postgresql/15/bin/pg_dump', '/usr/bin/pg_dump'].find((p) => existsSync(p));
const PG15 = join(ROOT, 'node_modules', 'pg15', 'native', 'bin');
const why = !PG_DUMP
  ? 'pg_dump 15 is not installed (apt-get install postgresql-client-15)'
  : !existsSync(PG15)
    ? 'the Postgres 15 dev dependency is missing (npm ci)'
    : false;

// pg_dump TOC type → our key kind. Entries pg_dump folds into others (DEFAULT, COMMENT, ACL,
// SEQUENCE OWNED BY, ROW SECURITY …) have no object of their own on either side.
const KINDS: Record<string, string> = {
  SCHEMA: 'schema',
  EXTENSION: 'extension',
  TYPE: 'type',
  DOMAIN: 'type',
  TABLE: 'table',
  VIEW: 'view',
  'MATERIALIZED VIEW': 'materialized view',
  SEQUENCE: 'sequence',
  INDEX: 'index',
  CONSTRAINT: 'constraint',
  'FK CONSTRAINT': 'constraint',
  FUNCTION: 'function',
  PROCEDURE: 'procedure',
  AGGREGATE: 'aggregate',
  TRIGGER: 'trigger',
  RULE: 'rule',
  POLICY: 'policy',
  'EVENT TRIGGER': 'event trigger',
  PUBLICATION: 'publication',
  'FOREIGN TABLE': 'foreign table',
  COLLATION: 'collation',
  STATISTICS: 'statistics',
};
const OURS: Record<string, string> = { enum: 'type', range: 'type', domain: 'type' };

function dumpObjects(url: string, identitySequences: Set<string>): Set<string> {
  const dump = execFileSync(PG_DUMP!, ['--schema-only', '--no-owner', '--dbname', url], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const out = new Set<string>();
  for (const [, name, type, schema] of dump.matchAll(/^-- Name: (.*); Type: (.*); Schema: (.*); Owner: .*$/gm)) {
    const kind = KINDS[type!];
    if (!kind) continue;
    // Table-scoped objects are named "table object" in the TOC.
    const scoped = ['constraint', 'trigger', 'rule', 'policy'].includes(kind) ? name!.replace(' ', '.') : name!;
    const qualified = schema === '-' ? scoped : `${schema}.${scoped}`;
    if (kind === 'sequence' && identitySequences.has(qualified)) continue;
    // migrate-check's own change log (schema/capture.ts) is not the migrations' schema.
    if (schema === CAPTURE_SCHEMA || name === CAPTURE_SCHEMA || CAPTURE_TRIGGERS.includes(name!)) continue;
    out.add(`${kind} ${qualified}`);
  }
  return out;
}

let server: EmbeddedServer;
before(async () => {
  if (!why) server = await startEmbedded({ binDir: PG15 });
});
after(async () => {
  await server?.[Symbol.asyncDispose]();
});

const directories = [
  join(FIXTURES, 'golang-migrate', 'clean'),
  corpusDir('goharbor__harbor') && `${corpusDir('goharbor__harbor')}/make/migrations/postgresql`,
  corpusDir('riverqueue__river') && `${corpusDir('riverqueue__river')}/riverdriver/riverpgxv5/migration/main`,
].filter((d): d is string => Boolean(d));
if (!corpusDir('goharbor__harbor'))
  console.log('# pg_dump completeness: ../shared/corpus is absent, checking the fixtures only');

for (const dir of directories) {
  test(`snapshot objects match pg_dump --schema-only: ${dir.replace(ROOT + '/', '').replace(/.*corpus\//, 'corpus/')}`, {
    skip: why,
  }, async () => {
    const reader = fsDirectory(dir);
    // River's templated files are rendered as river does (see the corpus README).
    const set = renderPlaceholders(await (await detectFormat(reader)).load(reader), { '/* TEMPLATE: schema */': '' });
    await using db = await server.createDatabase('pg-dump');
    const migrate = await db.connect();
    const inspect = await db.connect();
    await prepareInspector(inspect);
    try {
      const result = await replay({ migrate, inspect }, { set, roundtrip: 'none' });
      assert.ok(
        result.steps.every((s) => s.status === 'ok'),
        JSON.stringify(result.steps.find((s) => s.status !== 'ok')),
      );
      const ours = new Set<string>();
      for (const [key, def] of await readSchema(inspect)) {
        const [kind, name] = splitKey(key);
        if (kind === 'column' || (kind === 'constraint' && def.startsWith('CHECK'))) continue; // inline in CREATE TABLE
        if (kind === 'schema' && name === 'public') continue; // pg_dump leaves the default schema out
        ours.add(`${OURS[kind] ?? kind} ${name.replaceAll('"', '')}`);
      }
      const identity = new Set(
        (
          await inspect.query<{ name: string }>(
            `SELECT d.objid::regclass::text AS name FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'i'`,
          )
        ).rows.map((r) => r.name),
      );
      const dumped = dumpObjects(new URL(server.url.replace('/postgres?', `/${db.name}?`)).toString(), identity);
      assert.deepEqual([...ours].filter((o) => !dumped.has(o)).sort(), [], 'in our snapshot but not in pg_dump');
      assert.deepEqual([...dumped].filter((o) => !ours.has(o)).sort(), [], 'in pg_dump but not in our snapshot');
      assert.ok(ours.size > 3);
    } finally {
      await migrate.end();
      await inspect.end();
    }
  });
}
