import type { NotChecked } from '../replay.ts';
import type { Finding, Severity } from '../checks/check.ts';
import type { FailOn } from '../config.ts';
import { migrationId, type IgnoredFile } from '../migration.ts';
import type { Step } from '../replay.ts';
import type { Status } from '../history/status.ts';
import type { SchemaSummary } from '../schema/summary.ts';
import type { SeedingRecord } from '../seed/stage.ts';
import type { DataLoss } from '../seed/fingerprint.ts';

/** Plain data: every output (terminal, JSON, comment) is a pure function of it. */
export interface Report {
  schemaVersion: 1;
  ok: boolean;
  failOn: FailOn;
  postgres: { version: string; provider: string };
  durationMs: number;
  directories: DirectoryReport[];
  findings: Finding[];
  /**
   * Findings set aside: silenced by `-- migrate-check:ignore <check> <reason>` in their file (the
   * reason), or on a merged migration the pull request does not change (`onBase`: pipeline/judge.ts).
   */
  suppressed?: (Finding & { reason: string; onBase?: true })[];
  /**
   * With several Postgres majors (`postgres-version: 15,16,17`): every server the run used, the
   * first being `postgres`. Each finding then says on which majors it happens (`postgresVersions`).
   */
  majors?: { major: number; version: string; provider: string }[];
  /** The commit checked (the pull request's head, or `HEAD`), so that reports of one commit are merged only. */
  commit?: string;
  /** One part of a run split across jobs (`--shard k/n`): which part, and the whole plan. */
  shard?: ShardInfo;
  /** A report merged from shards (`migrate-check merge`): the parts given and the ones missing. */
  shards?: { count: number; merged: number[]; missing: number[] };
}

/** Which part of the work a shard did, and what every part holds (the same in every shard's report). */
export interface ShardInfo {
  index: number;
  count: number;
  /** `directory`: whole directories per shard; `range`: a range of each directory's migrations per shard. */
  by: 'directory' | 'range';
  parts: { index: number; directories: { path: string; versions?: string[] }[] }[];
}

export interface DirectoryReport {
  path: string;
  format: string;
  roundtrip: string;
  /** `code`: a migration written in code (goose `.go`) that the replay could not run. */
  /** `status`: compared with the base branch (with `--base`): unchanged, new, modified, renamed or deleted. */
  /** `changes`: the objects a roundtripped migration's up adds, removes or changes, per kind. */
  migrations: {
    version: string;
    name: string;
    up: string | null;
    down: string | null;
    /** A Flyway repeatable migration (`R__…`, version `R`): told apart by its name. */
    repeatable?: true;
    code?: string;
    status?: Status;
    changes?: SchemaSummary;
  }[];
  /** The base branch compared against (with `--base`). */
  base?: { ref: string; commit: string };
  /**
   * The merged migrations (the first `migrations` of them, through version `through`) were not
   * replayed in this run: their state came from a cached base state, made by an earlier run from
   * the same files, prerequisites and settings (`base-cache`). `beforePart`: they are the
   * migrations before this shard's range of the directory (`--shard`).
   */
  cachedBase?: { migrations: number; through: string; beforePart?: true };
  ignored: IgnoredFile[];
  steps: Step[];
  /** Migrations whose steps did not run, and why (absent when every migration was checked). */
  notChecked?: NotChecked[];
  /** The rows seeded before each roundtripped migration: per table, how many, or why none. */
  seeding?: SeedingRecord[];
  /** Values of columns that existed before a migration's up that its down lost or changed. */
  dataLoss?: { version: string; file: string; losses: DataLoss[] }[];
  /** A few lines of the files around the lines findings name, to show the statement in place. */
  excerpts?: Excerpt[];
  /** For each down that does not restore the schema: SQL, generated, that would (see restore-sql.ts). */
  restore?: Restore[];
  /**
   * The normalised schema after the replay; with `--base`, also the base branch's schema, their
   * unified diff and a summary per kind of object.
   */
  schema: { head: string; base?: string; diff?: string; summary?: SchemaSummary };
  /**
   * With several majors: what each server other than the first did (its steps, what it could not
   * check) and its schema where that differs from the first's.
   */
  majors?: {
    major: number;
    steps: Step[];
    notChecked?: NotChecked[];
    schema?: DirectoryReport['schema'];
  }[];
}

/** Lines `first` … of `file` as written, around `line` (1-based). */
export interface Excerpt {
  file: string;
  line: number;
  first: number;
  lines: string[];
}

/** SQL that restores the schema from before a migration's up, after its down, generated from the snapshots. */
export interface Restore {
  version: string;
  /** The down that does not restore the schema. */
  file: string;
  sql: string;
  /** Differences no statement was generated for, each named. */
  unsupported: string[];
  /** The down file's last line that is not blank, where a suggestion to append the SQL goes. */
  end?: { line: number; text: string };
}

/** The migrations a directory's run set out to check: with a base, the new and edited ones; else all. */
function toCheck(dir: DirectoryReport) {
  const all = dir.migrations.filter((m) => m.up || m.down);
  const changed = all.filter((m) => m.status === 'new' || m.status === 'modified');
  return { migrations: dir.base && changed.length ? changed : all, word: dir.base && changed.length ? 'new ' : '' };
}

/**
 * What was not checked, one sentence per reason: "2 of 3 new migrations in `db` were not checked
 * because db/0005_x.up.sql fails, and a deploy stops there (0006, 0007)".
 */
export function notCheckedSentences(report: Report): string[] {
  return report.directories.flatMap((dir) =>
    (dir.notChecked ?? []).map(({ versions: all, reason }) => {
      const { migrations, word } = toCheck(dir);
      const pool = new Set(migrations.map(migrationId));
      // The migrations the run set out to check; the merged ones after them are not news, unless
      // they are all that was left out (a merged Flyway repeatable after a new one that fails).
      const ours = all.filter((v) => pool.has(v));
      const versions = ours.length ? ours : all;
      const listed =
        versions.length > 6 ? `${versions.slice(0, 3).join(', ')} … ${versions.at(-1)}` : versions.join(', ');
      const n = versions.length;
      const were = n === 1 ? 'was' : 'were';
      const merged = `${n} merged migration${n === 1 ? '' : 's'}`;
      if (!ours.length && word) return `${merged} in ${dir.path} ${were} not applied because ${reason} (${listed}).`;
      const of = Math.max(n, migrations.length);
      return `${n} of ${of} ${word}migrations in ${dir.path} ${were} not checked because ${reason} (${listed}).`;
    }),
  );
}

/**
 * For each directory whose first migrations came from a cached base state (the merged ones; in a
 * shard's report, those before its part): one sentence saying so.
 */
export function cachedBaseSentences(report: Report): string[] {
  return report.directories.flatMap((dir) =>
    dir.cachedBase
      ? [
          `The ${dir.cachedBase.migrations} ${dir.cachedBase.beforePart ? "migrations before this job's part of" : 'merged migrations in'} ` +
            `${dir.path} (through ${dir.cachedBase.through}) were not replayed: their state came from the cached ` +
            'base state an earlier run made from the same files and settings (base-cache off replays them).',
        ]
      : [],
  );
}

/**
 * The findings on merged migrations the pull request does not change (`onBase`), in one sentence:
 * how many, of which checks, and how to see them counted.
 */
export function onBaseSentences(report: Report): string[] {
  const set = (report.suppressed ?? []).filter((f) => f.onBase);
  if (!set.length) return [];
  const byCheck = new Map<string, number>();
  for (const f of set) byCheck.set(f.check, (byCheck.get(f.check) ?? 0) + 1);
  const counts = [...byCheck].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const n = set.length;
  return [
    `${n} finding${n === 1 ? '' : 's'} on merged migrations that this pull request does not change ` +
      `${n === 1 ? 'is' : 'are'} not counted (${counts.map(([check, k]) => `${check} ${k}`).join(', ')}): ` +
      'they were on the base branch already. The JSON report lists them; `--scope all` checks and counts them.',
  ];
}

/** Whether the run compared with a base and no migration file differs from it: the PR changes none. */
export function changesNoMigration(report: Report): boolean {
  return (
    report.directories.length > 0 &&
    report.directories.every((d) => d.base && d.migrations.every((m) => m.status === 'unchanged'))
  );
}

/** Whether the run set out to check migrations and checked none of them: such a run is not a pass. */
export function checkedNothing(report: Report): boolean {
  let wanted = 0;
  for (const dir of report.directories) {
    const { migrations } = toCheck(dir);
    const skipped = new Set((dir.notChecked ?? []).flatMap((n) => n.versions));
    wanted += migrations.length;
    if (migrations.some((m) => !skipped.has(migrationId(m)))) return false;
  }
  return wanted > 0;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, notice: 1 };

/** Whether a finding of `severity` fails the run under `failOn`. */
export function fails(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && RANK[severity] >= RANK[failOn];
}

/** The server line: `Postgres 17.10 (embedded)`, or every major of the run (`Postgres 15.18, 17.10 (embedded)`). */
export function serversText(report: Pick<Report, 'postgres' | 'majors'>): string {
  const versions = report.majors ? report.majors.map((m) => m.version).join(', ') : report.postgres.version;
  return `Postgres ${versions} (${report.postgres.provider})`;
}

/** The shards whose reports were missing from a merge ("shard 2/3 missing"), which fail it without a finding. */
export function missingShards(report: Report): string {
  return (report.shards?.missing ?? []).map((i) => `shard ${i}/${report.shards!.count} missing`).join(', ');
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** Findings ordered for reading: by file, then line, then severity. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      RANK[b.severity] - RANK[a.severity] ||
      a.check.localeCompare(b.check),
  );
}
