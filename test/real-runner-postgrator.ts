import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { customSettings } from '../src/config-file.ts';
import type { EmbeddedServer } from '../src/database/embedded.ts';
import { custom } from '../src/formats/custom.ts';
import { fsDirectory } from '../src/files/directory.ts';
import { packageProblem, replayUp, schemaOf } from './real-runner-drizzle.ts';

// postgrator (v8, with pg) against migrate-check's `custom` format under the config documented
// for it (docs/formats.md): on a new database, the files each starts, the one it stops at, the
// versions recorded in schemaversion and the schema after the run.

export interface PostgratorOutcome {
  tried: string[];
  failed: string | null;
  versions: number[];
  schema: string;
}

/** Why postgrator cannot be loaded here, or null. */
export const postgratorProblem = () => packageProblem('postgrator', 'postgrator');

const configOf = (fixture: string) =>
  JSON.parse(readFileSync(join(fixture, 'migrate-check.json'), 'utf8')) as { path: string; custom: unknown };

/** `postgrator.migrate()` to the latest version, as its README runs it. */
export async function withPostgrator(server: EmbeddedServer, fixture: string): Promise<PostgratorOutcome> {
  const { default: Postgrator } = await import('postgrator');
  await using db = await server.createDatabase('oracle-postgrator');
  const client = await db.connect(undefined, 'admin');
  const tried: string[] = [];
  let failed: string | null = null;
  try {
    const postgrator = new Postgrator({
      migrationPattern: join(fixture, configOf(fixture).path, '*'),
      driver: 'pg',
      database: db.name,
      execQuery: (query) => client.query(query),
    });
    postgrator.on('migration-started', (m: { filename: string }) => tried.push(basename(m.filename)));
    await postgrator.migrate().catch(() => {
      failed = tried.at(-1) ?? null;
    });
    const { rows } = await client.query<{ version: string }>(
      'select version from schemaversion where version > 0 order by version',
    );
    return { tried, failed, versions: rows.map((r) => Number(r.version)), schema: await schemaOf(db) };
  } finally {
    await client.end();
  }
}

/** migrate-check's replay (up only) of the folder under the fixture's `custom` config. */
export async function withMigrateCheck(server: EmbeddedServer, fixture: string): Promise<PostgratorOutcome> {
  const config = configOf(fixture);
  const dir = join(fixture, config.path);
  const set = await custom.load(fsDirectory(dir), { custom: customSettings(config.custom, 'migrate-check.json') });
  const { result, schema } = await replayUp(server, set);
  const ups = result.steps.filter((s) => s.direction === 'up' && s.status !== 'skipped');
  const failedStep = ups.find((s) => s.status === 'failed');
  return {
    tried: ups.map((s) => basename(s.file)),
    failed: failedStep ? basename(failedStep.file) : null,
    versions: ups.filter((s) => s.status === 'ok').map((s) => Number(s.version)),
    schema,
  };
}
