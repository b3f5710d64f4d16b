import { ConfigError } from '../errors.ts';
import { PRELUDE } from '../replay.ts';
import { kindOf, type ValueKind } from '../setting-values.ts';
import { migrationId, sameMigration } from '../migration.ts';
import type { DirectoryReport, Report, ShardInfo } from '../report/report.ts';
import type { LoadedDirectory } from './load.ts';
import type { ShardPart } from './replay-directories.ts';

/** `--shard k/n`: the k-th (from 1) of n parts of the work. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Splits the work into `count` parts, the same way in every job: with at least as many
 * directories as parts, whole directories (the i-th to part i mod n); otherwise each directory's
 * migrations in `count` consecutive ranges (a directory roundtripped whole, `roundtrip: all`, goes
 * whole to one part). A part may be empty (fewer migrations than parts).
 */
export function planShards(directories: readonly LoadedDirectory[], shard: Shard): ShardInfo {
  const { count } = shard;
  const parts: ShardInfo['parts'] = Array.from({ length: count }, (_, i) => ({ index: i + 1, directories: [] }));
  if (directories.length >= count) {
    directories.forEach((d, i) => parts[i % count]!.directories.push({ path: d.path }));
    return { ...shard, by: 'directory', parts };
  }
  for (const [i, d] of directories.entries()) {
    // A whole-directory roundtrip (`roundtrip: all`) or none cannot be cut into ranges: it goes whole.
    if (d.settings.roundtrip !== 'per-migration') {
      parts[i % count]!.directories.push({ path: d.path });
      continue;
    }
    // By `migrationId`: Flyway's repeatables share the version R.
    const versions = d.set.migrations.filter((m) => m.up || m.down).map(migrationId);
    const size = Math.ceil(versions.length / count);
    for (const part of parts)
      part.directories.push({ path: d.path, versions: versions.slice((part.index - 1) * size, part.index * size) });
  }
  return { ...shard, by: 'range', parts };
}

/** What this shard replays of a directory: nothing, all of it, or a range of its migrations. */
export function shardPart(plan: ShardInfo, path: string): ShardPart {
  const mine = plan.parts[plan.index - 1]!.directories.find((d) => d.path === path);
  if (!mine) return 'none';
  return mine.versions ? { versions: new Set(mine.versions) } : 'all';
}

/**
 * This shard's share of a Report made of whole directories (the static checks see everything;
 * the replay ran only this shard's part): the directories and findings it owns. A finding
 * belongs to the shard whose range holds its file's migration; one on no migration (a config
 * file, a checksum file), to the first shard that checks the directory.
 */
export function shareOf(report: Report, plan: ShardInfo): Report {
  const directories: DirectoryReport[] = [];
  const owned = new Set<string>();
  const owner = new Map<string, boolean>();
  for (const directory of report.directories) {
    const part = shardPart(plan, directory.path);
    if (part === 'none') {
      for (const file of directory.migrations.flatMap(filesOf)) owner.set(file, false);
      continue;
    }
    if (part === 'all') {
      directories.push(directory);
      for (const file of directory.migrations.flatMap(filesOf)) owner.set(file, true);
      owned.add(directory.path);
      continue;
    }
    const first = plan.parts.find((p) => p.directories.some((d) => d.path === directory.path && d.versions?.length));
    if (first?.index === plan.index) owned.add(directory.path);
    for (const m of directory.migrations)
      for (const file of filesOf(m)) owner.set(file, part.versions.has(migrationId(m)));
    const mine = (version: string) => part.versions.has(version) || (version === PRELUDE && owned.has(directory.path));
    // A step's migration (Flyway's repeatables share the version R), else the step's version (prerequisites).
    const stepOf = (s: { version: string; name: string }) => {
      const m = directory.migrations.find((m) => sameMigration(m, s));
      return m ? migrationId(m) : s.version;
    };
    directories.push({
      ...directory,
      migrations: directory.migrations.map((m) => {
        if (part.versions.has(migrationId(m)) || !m.changes) return m;
        const { changes: _, ...rest } = m;
        return rest;
      }),
      steps: directory.steps.filter((s) => mine(stepOf(s))),
      ...notCheckedIn(directory, part.versions),
      ...(directory.seeding ? { seeding: directory.seeding.filter((r) => mine(r.version)) } : {}),
      ...(directory.dataLoss ? { dataLoss: directory.dataLoss.filter((l) => mine(l.version)) } : {}),
    });
  }
  const ownsFinding = (file: string | null) => {
    const known = file === null ? undefined : owner.get(file);
    if (known !== undefined) return known;
    // A file of no migration: the directory it lies in decides, through its first shard.
    const directory = report.directories.find((d) => file?.startsWith(d.path.replace(/\/?$/, '/')));
    return directory ? owned.has(directory.path) : plan.index === 1;
  };
  return {
    ...report,
    directories,
    findings: report.findings.filter((f) => ownsFinding(f.file)),
    ...(report.suppressed ? { suppressed: report.suppressed.filter((f) => ownsFinding(f.file)) } : {}),
    shard: plan,
  };
}

/** A migration's files as the report names them. */
function filesOf(m: DirectoryReport['migrations'][number]): string[] {
  return [m.up, m.down, m.code].filter((f): f is string => Boolean(f));
}

/** The directory's `notChecked`, kept to the versions of the range (absent when none is left). */
function notCheckedIn(directory: DirectoryReport, versions: ReadonlySet<string>): Partial<DirectoryReport> {
  const kept = (directory.notChecked ?? [])
    .map((n) => ({ ...n, versions: n.versions.filter((v) => versions.has(v)) }))
    .filter((n) => n.versions.length);
  return { notChecked: kept.length ? kept : undefined };
}

/** The `shard` setting: `k/n`, from 1/1 to 256/256. */
export const shardValue: ValueKind<Shard> = {
  arg: '<k/n>',
  parse(value, key, where) {
    const m = typeof value === 'string' ? /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value) : null;
    const [index, count] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    if (index >= 1 && index <= count && count <= 256) return { index, count };
    throw new ConfigError(
      `${where}: \`${key}\` is ${kindOf(value)}; it must be k/n, the part k (from 1) of n parts, e.g. 2/4.`,
    );
  },
  show: (v) => `${v.index}/${v.count}`,
};
