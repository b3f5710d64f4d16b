import type { Finding } from '../checks/check.ts';
import type { FailOn } from '../config.ts';
import type { Server } from '../database/database.ts';
import { fails, sortFindings, type DirectoryReport, type Report } from '../report/report.ts';
import { diffSchemas } from '../schema/diff.ts';
import { schemaText } from '../schema/snapshot.ts';
import { summarizeDiff } from '../schema/summary.ts';
import { schemaDiffByTable } from '../report/schema-diff.ts';
import { restoreSql } from '../report/restore-sql.ts';
import { migrationId, sameMigration } from '../migration.ts';
import type { Suppressed } from '../suppress.ts';
import type { LoadedDirectory } from './load.ts';
import type { DirectoryReplay } from './replay-directories.ts';

/** One directory as the pipeline saw it: read, replayed and judged. */
export interface DirectoryOutcome {
  loaded: LoadedDirectory;
  replayed: DirectoryReplay;
  findings: Finding[];
  suppressed: Suppressed[];
}

/** The Report: plain data, every output a pure function of it. */
export function assembleReport(
  outcomes: readonly DirectoryOutcome[],
  server: Pick<Server, 'version' | 'provider'>,
  failOn: FailOn,
  durationMs: number,
): Report {
  const findings = sortFindings(outcomes.flatMap((o) => o.findings));
  const suppressed = outcomes.flatMap((o) => o.suppressed);
  return {
    schemaVersion: 1,
    ok: !findings.some((f) => fails(f.severity, failOn)),
    failOn,
    postgres: { version: server.version, provider: server.provider },
    durationMs: Math.round(durationMs),
    directories: outcomes.map(directoryReport),
    findings,
    ...(suppressed.length ? { suppressed: sortFindings(suppressed) as Suppressed[] } : {}),
  };
}

/** A directory's part of the Report: its migrations (with their history), steps and schema. */
function directoryReport({ loaded, replayed }: DirectoryOutcome): DirectoryReport {
  const { path, set, settings, history } = loaded;
  const { result, baseSchema } = replayed;
  // The PR's schema: its migrations applied up, as a deploy leaves it, even when the roundtrip failed.
  const head = replayed.headSchema ?? result.head;
  return {
    path,
    format: set.format,
    roundtrip: settings.roundtrip,
    migrations: [
      ...set.migrations.map((m) => {
        const status = history?.entries.find((e) => e.status !== 'deleted' && sameMigration(e, m))?.status;
        const changes = result.changes.get(migrationId(m));
        return {
          version: m.version,
          name: m.name,
          up: m.up?.file ?? null,
          down: m.down?.file ?? null,
          ...(m.repeatable ? { repeatable: true as const } : {}),
          ...(m.code ? { code: m.code } : {}),
          ...(status ? { status } : {}),
          ...(changes ? { changes: summarizeDiff(changes) } : {}),
        };
      }),
      ...(history?.entries ?? [])
        .filter((e) => e.status === 'deleted')
        .map((e) => ({
          version: e.version,
          name: e.name,
          up: null,
          down: null,
          ...(e.repeatable ? { repeatable: true as const } : {}),
          status: e.status,
        })),
    ],
    ...(history ? { base: history.base } : {}),
    ...(replayed.cachedBase ? { cachedBase: replayed.cachedBase } : {}),
    ignored: [...set.ignored],
    steps: result.steps,
    ...(result.notChecked.length ? { notChecked: result.notChecked } : {}),
    ...(result.seeding?.length ? { seeding: result.seeding } : {}),
    ...(result.dataLoss?.length ? { dataLoss: result.dataLoss } : {}),
    ...restoreOf(result),
    schema: {
      head: schemaText(result.head),
      ...(baseSchema
        ? {
            base: schemaText(baseSchema),
            diff: schemaDiffByTable(baseSchema, head),
            summary: summarizeDiff(diffSchemas(baseSchema, head)),
          }
        : {}),
    },
  };
}

/** The generated fix for each down that does not restore the schema from before its up. */
function restoreOf(result: DirectoryReplay['result']): Pick<DirectoryReport, 'restore'> {
  const restore = result.mismatches
    .filter((m) => m.kind === 'down-reverts-up' && m.version !== null)
    .map((m) => ({ version: m.version!, file: m.file, ...restoreSql(m.diff) }))
    .filter((r) => r.sql || r.unsupported.length);
  return restore.length ? { restore } : {};
}
