import { createHash } from 'node:crypto';
import type { KindSummary } from '../schema/summary.ts';
import { groupFindings, verdictWords, type Group } from './groups.ts';
import { lockTable } from './lock-table.ts';
import { groupLines, type Links } from './markdown-findings.ts';
import { cell, code, fenced, inline } from './markdown-text.ts';
import {
  cachedBaseSentences,
  checkedNothing,
  notCheckedSentences,
  onBaseSentences,
  serversText,
  type Report,
} from './report.ts';

export { fenced } from './markdown-text.ts';

/** GitHub refuses comments longer than this. */
export const COMMENT_LIMIT = 65_536;
/** GitHub's limit for a step's job summary. */
export const SUMMARY_LIMIT = 1024 * 1024;

export interface MarkdownOptions {
  /** Characters the output may use (65,536 for a PR comment; 1 MiB for a job summary). */
  budget?: number;
  /** Links findings to the file at the head commit: `https://github.com/owner/repo` and the sha. */
  links?: { repository: string; sha: string };
  /** The workflow run, where the job summary (the full report) is. */
  runUrl?: string;
  /**
   * `comment`: the PR comment, which leaves the steps and their timings to the job summary and,
   * when shortened, points there; `summary` (the default): everything.
   */
  kind?: 'comment' | 'summary';
}

/** Links to files at `sha` of the workflow's repository, and to the run, when the runner's variables say. */
export function fileLinks(env: NodeJS.ProcessEnv, sha: string | undefined): Pick<MarkdownOptions, 'links' | 'runUrl'> {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repository = env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}` : undefined;
  return {
    ...(repository && sha ? { links: { repository, sha } } : {}),
    ...(repository && env.GITHUB_RUN_ID ? { runUrl: `${repository}/actions/runs/${env.GITHUB_RUN_ID}` } : {}),
  };
}

/** The hidden marker that finds this comment again: one per set of directories. */
export function commentMarker(report: Pick<Report, 'directories'>): string {
  return markerFor(report.directories.map((d) => d.path));
}

/** The marker for a set of directory paths (also when no report could be made). */
export function markerFor(paths: readonly string[]): string {
  const id = createHash('sha256')
    .update([...paths].sort().join('\n'))
    .digest('hex')
    .slice(0, 12);
  return `<!-- migrate-check:${id} -->`;
}

function verdict(report: Report, groups: Group[]): string {
  const words = verdictWords(report, groups);
  if (checkedNothing(report)) return `### ⚠️ No migration was checked${words ? `: ${words}` : ''}`;
  return report.ok
    ? `### ✅ Migrations are safe to merge${words ? ` (${words} below the failing threshold)` : ''}`
    : `### ❌ Migrations are not safe to merge: ${words}`;
}

const KIND_LABEL: Record<string, string> = {
  'materialized view': 'materialized views',
  other: 'other objects',
  index: 'indexes',
};

function summaryLines(kinds: Record<string, KindSummary>): string[] {
  const names = (list: string[]) =>
    list.slice(0, 8).map(code).join(', ') + (list.length > 8 ? `, …${list.length - 8} more` : '');
  return Object.entries(kinds).map(([kind, k]) => {
    const parts = [
      k.added.length && `${k.added.length} added (${names(k.added)})`,
      k.removed.length && `${k.removed.length} removed (${names(k.removed)})`,
      k.changed.length && `${k.changed.length} changed (${names(k.changed)})`,
    ].filter(Boolean);
    return `- **${KIND_LABEL[kind] ?? `${kind}s`}**: ${parts.join('; ')}`;
  });
}

/**
 * How much is shown, from everything down: `lists`: the objects each migration changes and the
 * per-statement locks; `diff`: the schema diff, up to `diffBudget` characters a directory;
 * `excerpts`: the statements and generated SQL; `findings`: how many findings per migration.
 */
interface Tier {
  lists: boolean;
  diffBudget: number;
  excerpts: boolean;
  findings: number;
}
const FULL: Tier = { lists: true, diffBudget: Infinity, excerpts: true, findings: Infinity };

function shortened(tier: Tier, report: Report, options: MarkdownOptions): string[] {
  const left = [
    !tier.lists && 'the objects each migration changes and the locks per statement',
    tier.diffBudget === 0 ? 'the schema diff' : tier.diffBudget < Infinity && 'the end of the schema diff',
    !tier.excerpts && 'the statements and the generated SQL',
    tier.findings < Infinity && 'some findings',
  ].filter(Boolean);
  if (!left.length) return [];
  const full = options.runUrl ? `the [job summary](${options.runUrl})` : 'the job summary';
  const limit = (options.budget ?? COMMENT_LIMIT).toLocaleString('en-US');
  void report;
  const what = `left out ${left.join(', ')}`;
  return [`> ✂️ **Shortened to fit ${limit} characters**: ${what}. The full report is in ${full}.`];
}

function footer(report: Pick<Report, 'directories'> & Partial<Report>, options: MarkdownOptions): string {
  const parts: string[] = [];
  const sha = options.links?.sha;
  const base = report.directories.find((d) => d.base)?.base;
  const short = (s: string) => (/^[0-9a-f]{40}$/.test(s) ? s.slice(0, 7) : s);
  if (sha) parts.push(`commit ${code(short(sha))}`);
  if (base) {
    const ref = short(base.ref);
    parts.push(`base ${code(ref)}${ref !== short(base.commit) ? ` (${code(short(base.commit))})` : ''}`);
  }
  if (report.postgres) parts.push(cell(serversText({ postgres: report.postgres, majors: report.majors })));
  if (report.durationMs !== undefined) parts.push(`${(report.durationMs / 1000).toFixed(1)} s`);
  if (options.runUrl) parts.push(`[run](${options.runUrl})`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

function render(report: Report, options: MarkdownOptions, tier: Tier): string {
  const groups = groupFindings(report);
  const out = [commentMarker(report), verdict(report, groups)];
  const unchecked = notCheckedSentences(report).map((l) => `> ⚠️ ${inline(l)}`);
  const cached = cachedBaseSentences(report).map((l) => `> ${inline(l)}`);
  const onBase = onBaseSentences(report).map((l) => `> ${inline(l)}`);
  const notes = [...unchecked, ...cached, ...onBase, ...shortened(tier, report, options)];
  if (notes.length) out.push('', ...notes.flatMap((n, i) => (i ? ['>', n] : [n])));
  const links: Links = options.links;
  let left = tier.findings;
  for (const group of groups) {
    if (left <= 0) break;
    out.push('', ...groupLines(group, report, links, { excerpts: tier.excerpts, limit: left }));
    left -= group.items.length;
  }
  const total = groups.reduce((n, g) => n + g.items.length, 0);
  if (tier.findings < total)
    out.push('', `…and ${total - tier.findings} more findings: see the job summary or the JSON report.`);
  for (const dir of report.directories) {
    const { summary, diff } = dir.schema;
    if (summary === undefined) continue;
    out.push('', `#### Schema changes in ${code(dir.path)} (base → this PR)`, '');
    out.push(...(Object.keys(summary).length ? summaryLines(summary) : ['No schema changes.']));
    const perMigration = dir.migrations.filter((m) => m.status === 'new' && m.changes && Object.keys(m.changes).length);
    if (perMigration.length && tier.lists) {
      out.push('', '<details><summary>Objects each new migration changes</summary>', '');
      for (const m of perMigration)
        out.push(`**${code(`${m.version}_${m.name}`)}**`, '', ...summaryLines(m.changes!), '');
      out.push('</details>');
    }
    if (diff && tier.diffBudget > 0) {
      const cutAt = diff.lastIndexOf('\n', tier.diffBudget);
      const shown = diff.length > tier.diffBudget ? (cutAt > 0 ? diff.slice(0, cutAt) : '') : diff;
      out.push('', '<details><summary>Schema diff</summary>', '', fenced('diff', shown), '');
      if (shown.length < diff.length) {
        const more = diff.split('\n').length - shown.split('\n').length;
        out.push(
          `*The diff is cut here (${more} more line${more === 1 ? '' : 's'}): ` +
            'the full diff is in the job summary and the JSON report.*',
          '',
        );
      }
      out.push('</details>');
    }
  }
  if (tier.lists) {
    // What the server did per statement, for the migrations whose up was observed.
    const observed = report.directories.flatMap((d) =>
      d.steps
        .filter((s) => s.direction === 'up' && s.attempt === 1)
        .map((s) => ({ d, s, table: lockTable(s, code) }))
        .filter((x) => x.table.length),
    );
    if (observed.length) {
      out.push('', '<details><summary>Locks, rewrites and scans per statement (observed on the server)</summary>', '');
      for (const { s, table } of observed) out.push(`**${code(s.file)}**`, '', ...table, '');
      out.push('</details>');
    }
  }
  if (options.kind !== 'comment') out.push(...stepsTable(report));
  out.push('', footer(report, options), '');
  return out.join('\n');
}

function stepsTable(report: Report): string[] {
  const steps = report.directories.flatMap((d) => d.steps.filter((s) => s.status !== 'skipped').map((s) => ({ d, s })));
  if (!steps.length) return [];
  const out = ['', '<details><summary>Steps and timings</summary>', '', '| Directory | Migration | Step | ms |'];
  out.push('|---|---|---|---|');
  for (const { d, s } of steps) {
    const step = `${s.direction}${s.attempt === 2 ? ' (again)' : ''}${s.status === 'failed' ? ' ❌' : ''}`;
    out.push(`| ${code(d.path)} | ${code(`${s.version}_${s.name}`)} | ${step} | ${s.durationMs} |`);
  }
  out.push('', '</details>');
  return out;
}

/**
 * The PR comment (and, with a larger budget, the job summary): a pure function of the Report
 * that never exceeds `budget` characters. It drops the least useful parts first, and says so
 * at the top: the per-migration object lists and lock tables, then the end of the schema diff,
 * then the whole diff, then the statements and generated SQL, then findings.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const budget = options.budget ?? COMMENT_LIMIT;
  const fits = (tier: Tier) => {
    const text = render(report, options, tier);
    return text.length <= budget ? text : null;
  };
  const lean: Tier = { ...FULL, lists: false };
  const found = fits(FULL) ?? fits(lean);
  if (found) return found;
  // Everything but the diffs' lines, measured; the diffs share what is left.
  const skeleton = render(report, options, { ...lean, diffBudget: 0 }).length;
  let room = Math.floor((budget - skeleton) / Math.max(1, report.directories.length));
  while (room > 2_000) {
    const cut = fits({ ...lean, diffBudget: room });
    if (cut) return cut;
    room = Math.floor(room * 0.9);
  }
  const bare: Tier = { ...lean, diffBudget: 0 };
  const without = fits(bare) ?? fits({ ...bare, excerpts: false });
  if (without) return without;
  const total = report.findings.length;
  for (let limit = total - 1; limit > 0; limit = Math.floor(limit * 0.8)) {
    const fewer = fits({ ...bare, excerpts: false, findings: limit });
    if (fewer) return fewer;
  }
  return render(report, options, { ...bare, excerpts: false, findings: 0 }).slice(0, budget);
}

/** The comment once a push leaves every migration file as it is on the base branch. */
export function renderNotChanged(report: Report, options: MarkdownOptions = {}): string {
  const dirs = report.directories.map((d) => code(d.path)).join(', ');
  return [
    commentMarker(report),
    '### ✅ This pull request no longer changes any migration',
    '',
    `The migration files in ${dirs} are the same as on the base branch: there is nothing left to check.`,
    '',
    footer(report, options),
    '',
  ].join('\n');
}

/** The comment when migrate-check could not run (exit 2): why, so that no earlier verdict stands. */
export function renderCouldNotRun(paths: readonly string[], reason: string, options: MarkdownOptions = {}): string {
  return [
    markerFor(paths),
    '### ⚠️ migrate-check could not run on this commit',
    '',
    'The migrations were not checked, so no earlier verdict holds. What stopped it:',
    '',
    fenced('text', reason),
    '',
    footer({ directories: [] }, options),
    '',
  ].join('\n');
}
