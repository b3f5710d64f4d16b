import { ToolError } from '../errors.ts';
import type { NotChecked } from '../replay.ts';
import { migrationId } from '../migration.ts';
import { combineMajors } from './majors.ts';
import { sortFindings, type DirectoryReport, type Report, type ShardInfo } from './report.ts';

/** A report read from a file, with the name to say in messages. */
export interface NamedReport {
  name: string;
  report: Report;
}

/** Checks that parsed JSON is a migrate-check report (schema version 1) before it is merged. */
export function asReport(value: unknown, name: string): Report {
  const r = value as Partial<Report> | null;
  if (!r || typeof r !== 'object' || Array.isArray(r))
    throw new ToolError(`${name} is not a migrate-check report (a JSON object from --output json).`);
  const version =
    r.schemaVersion === undefined
      ? 'no report schema version'
      : `report schema version ${JSON.stringify(r.schemaVersion)}`;
  if (r.schemaVersion !== 1)
    throw new ToolError(
      `${name} has ${version}; ` +
        'this migrate-check reads version 1. ' +
        'Make every report with the same migrate-check version.',
    );
  if (!Array.isArray(r.findings) || !Array.isArray(r.directories) || typeof r.ok !== 'boolean' || !r.postgres)
    throw new ToolError(`${name} is not a whole migrate-check report: it lacks findings, directories, ok or postgres.`);
  return r as Report;
}

/**
 * One report from the reports of one commit's jobs: the shards of a split run (`--shard k/n`)
 * joined into what the unsplit run reports, and the jobs of a Postgres version matrix joined as
 * a run over several majors. Refuses reports of different commits, overlapping shards and plans
 * that disagree; a missing shard leaves its part not checked and the merged report failing.
 */
export function mergeReports(reports: readonly NamedReport[]): Report {
  if (!reports.length) throw new ToolError('No reports to merge: give the JSON reports of the jobs (--output json).');
  const commits = new Map<string, string>();
  for (const { name, report } of reports) if (report.commit) commits.set(report.commit, name);
  if (commits.size > 1) {
    const [[a, first], [b, second]] = [...commits] as [[string, string], [string, string]];
    throw new ToolError(
      `${first} checked commit ${a}, but ${second} checked ${b}: refusing to merge reports of different commits.`,
    );
  }
  const byMajor = new Map<number, NamedReport[]>();
  for (const named of reports) {
    const major = Number.parseInt(named.report.postgres.version, 10);
    byMajor.set(major, [...(byMajor.get(major) ?? []), named]);
  }
  const merged = [...byMajor].map(([major, group]) => ({ major, report: mergeShards(group) }));
  return combineMajors(merged);
}

/** The shards of one major, joined; one report without a shard passes through. */
function mergeShards(group: readonly NamedReport[]): Report {
  const unsharded = group.filter((g) => !g.report.shard);
  if (unsharded.length && group.length > 1) {
    const names = group.map((g) => g.name).join(', ');
    throw new ToolError(
      `${names} are reports of the same Postgres major, and ${unsharded[0]!.name} is not a shard (--shard k/n): ` +
        'they would count the same migrations twice.',
    );
  }
  if (unsharded.length) return group[0]!.report;
  const plan = group[0]!.report.shard!;
  const byIndex = new Map<number, NamedReport>();
  for (const named of group) {
    const shard = named.report.shard!;
    if (
      shard.count !== plan.count ||
      shard.by !== plan.by ||
      JSON.stringify(shard.parts) !== JSON.stringify(plan.parts)
    )
      throw new ToolError(
        `${named.name} is shard ${shard.index}/${shard.count} of another split than ${group[0]!.name} ` +
          `(shard ${plan.index}/${plan.count}): every job must run the same directories with the same --shard count.`,
      );
    const twice = byIndex.get(shard.index);
    if (twice)
      throw new ToolError(
        `${twice.name} and ${named.name} are both shard ${shard.index}/${shard.count}: give each shard's report once.`,
      );
    byIndex.set(shard.index, named);
  }
  const missing = plan.parts.map((p) => p.index).filter((i) => !byIndex.has(i));
  const present = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!.report);
  const first = present[0]!;
  const directories = directoriesOf(plan, present, missing);
  const findings = sortFindings(present.flatMap((r) => r.findings));
  const suppressed = present.flatMap((r) => r.suppressed ?? []);
  const { shard: _, ...rest } = first;
  return {
    ...rest,
    ok: !missing.length && present.every((r) => r.ok),
    durationMs: Math.max(...present.map((r) => r.durationMs)),
    directories,
    findings,
    ...(suppressed.length ? { suppressed: sortFindings(suppressed) as Report['suppressed'] } : {}),
    shards: { count: plan.count, merged: [...byIndex.keys()].sort((a, b) => a - b), missing },
  };
}

const missingReason = (index: number, count: number) => `shard ${index}/${count} is missing (no report was given)`;

/** The directories in the plan's order, each joined from the shards that checked a part of it. */
function directoriesOf(plan: ShardInfo, present: readonly Report[], missing: readonly number[]): DirectoryReport[] {
  const paths = [...new Set(plan.parts.flatMap((p) => p.directories.map((d) => d.path)))];
  const out: DirectoryReport[] = [];
  for (const path of paths) {
    const parts = present.map((r) => r.directories.find((d) => d.path === path)).filter((d) => d !== undefined);
    const lost = missing.flatMap((i) => {
      const part = plan.parts[i - 1]!.directories.find((d) => d.path === path);
      return part ? [{ index: i, versions: part.versions }] : [];
    });
    if (!parts.length) {
      // Only a missing shard had it: what is known of it is its name and its migrations.
      const versions = lost.flatMap((l) => l.versions ?? []);
      out.push({
        path,
        format: 'unknown',
        roundtrip: 'unknown',
        migrations: versions.map((version) => ({ version, name: '', up: null, down: null })),
        ignored: [],
        steps: [],
        notChecked: [
          {
            versions: versions.length ? versions : ['(all)'],
            reason: missingReason(lost[0]!.index, plan.count),
          },
        ],
        schema: { head: '' },
      });
      continue;
    }
    const [lead] = parts;
    // The last range that ran: it ran every migration up to the end of the directory's checked part.
    const last = parts.filter((p) => p.steps.length).at(-1) ?? parts.at(-1)!;
    const notChecked: NotChecked[] = [];
    for (const n of parts.flatMap((p) => p.notChecked ?? [])) {
      const same = notChecked.find((m) => m.reason === n.reason);
      if (same) same.versions.push(...n.versions.filter((v) => !same.versions.includes(v)));
      else notChecked.push({ versions: [...n.versions], reason: n.reason });
    }
    for (const l of lost)
      if (l.versions?.length)
        notChecked.push({ versions: [...l.versions], reason: missingReason(l.index, plan.count) });
    const seeding = parts.flatMap((p) => p.seeding ?? []);
    const dataLoss = parts.flatMap((p) => p.dataLoss ?? []);
    out.push({
      ...lead!,
      migrations: lead!.migrations.map(
        (m) => parts.flatMap((p) => p.migrations).find((o) => migrationId(o) === migrationId(m) && o.changes) ?? m,
      ),
      steps: parts.flatMap((p) => p.steps),
      notChecked: notChecked.length ? notChecked : undefined,
      seeding: seeding.length ? seeding : undefined,
      dataLoss: dataLoss.length ? dataLoss : undefined,
      schema: last.schema,
    });
  }
  return out;
}
