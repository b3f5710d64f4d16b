import type { Finding } from './checks/check.ts';
import { checks } from './checks/index.ts';
import { settingsFor, type Config } from './config.ts';
import type { Server } from './database/database.ts';
import type { DirectoryReader } from './formats/directory.ts';
import { detectFormat, formatById } from './formats/index.ts';
import { renderPlaceholders, type MigrationSet } from './migration.ts';
import { replay, type ReplayResult, type Step } from './replay.ts';
import { fails, sortFindings, type DirectoryReport, type Report } from './report/report.ts';
import { prepareInspector, schemaText } from './schema/snapshot.ts';

/** What the pipeline needs from the outside world, injected by the shells (and tests). */
export interface RunIO {
  directory(path: string): DirectoryReader;
  startServer(): Promise<Server>;
  /** Progress as each step completes. */
  onStep?(directory: string, step: Step, done: number, total: number): void;
}

async function load(path: string, format: string, io: RunIO): Promise<MigrationSet> {
  const reader = io.directory(path);
  const chosen = format === 'auto' ? detectFormat(path, await reader.list()) : formatById(format);
  return chosen.load(reader);
}

/**
 * The whole pipeline: discover every directory (failing fast on bad input, before any
 * database starts), replay each in its own scratch database, run the checks, and return
 * the Report. Throws only ToolErrors (and their kin) for the tool's own failures.
 */
export async function run(config: Config, io: RunIO): Promise<Report> {
  const started = performance.now();
  const sets: { path: string; set: MigrationSet; settings: ReturnType<typeof settingsFor> }[] = [];
  for (const path of config.paths) {
    const settings = settingsFor(config, path);
    sets.push({ path, set: renderPlaceholders(await load(path, settings.format, io), settings.placeholders), settings });
  }

  await using server = await io.startServer();
  const directories: DirectoryReport[] = [];
  const findings: Finding[] = [];
  for (const { path, set, settings } of sets) {
    await using db = await server.createDatabase(path);
    const session = { statementTimeoutMs: config.statementTimeoutMs, lockTimeoutMs: config.lockTimeoutMs };
    const migrate = await db.connect(session);
    const inspect = await db.connect({});
    let result: ReplayResult;
    try {
      await prepareInspector(inspect);
      result = await replay(migrate, inspect, {
        set,
        roundtrip: settings.roundtrip,
        onStep: (step, done, total) => io.onStep?.(path, step, done, total),
      });
    } finally {
      await migrate.end().catch(() => {});
      await inspect.end().catch(() => {});
    }
    for (const check of checks) {
      const setting = settings.checks[check.id] ?? check.defaultSeverity;
      if (setting === 'off') continue;
      for (const f of check.run({ set, replay: result })) findings.push({ check: check.id, severity: setting, ...f });
    }
    directories.push({
      path,
      format: set.format,
      roundtrip: settings.roundtrip,
      migrations: set.migrations.map((m) => ({ version: m.version, name: m.name, up: m.up?.file ?? null, down: m.down?.file ?? null })),
      ignored: [...set.ignored],
      steps: result.steps,
      schema: { head: schemaText(result.head) },
    });
  }
  const sorted = sortFindings(findings);
  return {
    schemaVersion: 1,
    ok: !sorted.some((f) => fails(f.severity, config.failOn)),
    failOn: config.failOn,
    postgres: { version: server.version, provider: server.provider },
    durationMs: Math.round(performance.now() - started),
    directories,
    findings: sorted,
  };
}
