import type { Finding, Severity } from '../checks/check.ts';
import { countBySeverity, missingShards, type DirectoryReport, type Report } from './report.ts';

/** A finding, with the findings that follow from it (shown under it, not as findings of their own). */
export interface Item {
  finding: Finding;
  consequences: Finding[];
}

/** The findings of one migration (or of a directory, for findings no migration file holds). */
export interface Group {
  directory: DirectoryReport | null;
  /** `0002_add_email_index`; null for the directory's own findings. */
  migration: { version: string; name: string } | null;
  items: Item[];
  /** Counted without the consequences. */
  counts: Record<Severity, number>;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, notice: 1 };

/**
 * Whether `consequence` follows from `cause`: an up that cannot be applied again, in the
 * migration whose down left something behind, fails because of what was left.
 */
const follows = (cause: Finding, consequence: Finding) =>
  cause.check === 'down-reverts-up' && consequence.check === 'up-repeatable';

/**
 * The findings as people read them: per migration, the migrations with errors first (then by
 * version), and in each errors before warnings before notices, then by line; a consequence
 * folded under its cause.
 */
export function groupFindings(report: Report): Group[] {
  const groups: Group[] = [];
  const byKey = new Map<string, Group>();
  const place = (f: Finding): Group => {
    for (const dir of report.directories) {
      const m = dir.migrations.find(
        (m) => f.file !== null && (m.up === f.file || m.down === f.file || m.code === f.file),
      );
      const inside = f.file !== null && (f.file === dir.path || f.file.startsWith(`${dir.path}/`));
      if (!m && !inside) continue;
      const key = m ? `${dir.path}\n${m.version}\n${m.name}` : `${dir.path}\n`;
      let group = byKey.get(key);
      if (!group) {
        group = {
          directory: dir,
          migration: m ? { version: m.version, name: m.name } : null,
          items: [],
          counts: zero(),
        };
        byKey.set(key, group);
        groups.push(group);
      }
      return group;
    }
    let general = byKey.get('');
    if (!general) {
      general = { directory: null, migration: null, items: [], counts: zero() };
      byKey.set('', general);
      groups.push(general);
    }
    return general;
  };
  const members = new Map<Group, Finding[]>();
  for (const f of report.findings) {
    const g = place(f);
    members.set(g, [...(members.get(g) ?? []), f]);
  }
  for (const [group, findings] of members) {
    // The up's findings before the down's, as the files run.
    const m = group.directory?.migrations.find((x) => x.version === group.migration?.version);
    const fileRank = (f: Finding) => (f.file === m?.up ? 0 : f.file === m?.down ? 1 : 2);
    const ordered = [...findings].sort(
      (a, b) =>
        RANK[b.severity] - RANK[a.severity] ||
        fileRank(a) - fileRank(b) ||
        (a.file ?? '').localeCompare(b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        a.check.localeCompare(b.check),
    );
    // Only within one migration: its down left behind what its up then trips over.
    const causes = group.migration ? ordered.filter((f) => ordered.some((c) => follows(f, c))) : [];
    for (const f of ordered) {
      const cause = causes.find((c) => follows(c, f));
      if (cause) continue;
      const own = f === causes[0] ? ordered.filter((c) => follows(f, c)) : [];
      group.items.push({ finding: f, consequences: own });
    }
    group.counts = countBySeverity(group.items.map((i) => i.finding));
  }
  const worst = (g: Group) => (g.counts.error ? 3 : g.counts.warning ? 2 : 1);
  const index = (g: Group) => (g.directory ? report.directories.indexOf(g.directory) : -1);
  return groups.sort(
    (a, b) =>
      worst(b) - worst(a) ||
      index(a) - index(b) ||
      Number(a.migration !== null) - Number(b.migration !== null) ||
      (a.migration?.version ?? '').localeCompare(b.migration?.version ?? '', undefined, { numeric: true }),
  );
}

const zero = (): Record<Severity, number> => ({ error: 0, warning: 0, notice: 0 });

/** The findings counted as the groups show them: without the consequences folded under a cause. */
export function headlineCounts(groups: readonly Group[]): Record<Severity, number> {
  const counts = zero();
  for (const g of groups) for (const s of ['error', 'warning', 'notice'] as Severity[]) counts[s] += g.counts[s];
  return counts;
}

/** "2 errors, 1 warning" (empty when there is nothing). */
export function countsInWords(counts: Record<Severity, number>): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    counts.error && plural(counts.error, 'error'),
    counts.warning && plural(counts.warning, 'warning'),
    counts.notice && plural(counts.notice, 'notice'),
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * What the verdict line counts: a shard whose report is missing from a merge ("shard 2/3
 * missing", which fails it without a finding of its own), then the findings in words.
 */
export function verdictWords(report: Report, groups: readonly Group[] = groupFindings(report)): string {
  return [missingShards(report), countsInWords(headlineCounts(groups))].filter(Boolean).join(', ');
}
