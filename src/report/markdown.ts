import { createHash } from 'node:crypto';
import type { Finding } from '../checks/check.ts';
import type { KindSummary } from '../schema/summary.ts';
import { docsUrl } from './docs-url.ts';
import { lockTable } from './lock-table.ts';
import { verdictParts, serversText, fails, notCheckedSentences, type Report } from './report.ts';

/** GitHub refuses comments longer than this. */
export const COMMENT_LIMIT = 65_536;
/** GitHub's limit for a step's job summary. */
export const SUMMARY_LIMIT = 1024 * 1024;

export interface MarkdownOptions {
  /** Characters the output may use (65,536 for a PR comment; 1 MiB for a job summary). */
  budget?: number;
  /** Links findings to the file at the head commit: `https://github.com/owner/repo` and the sha. */
  links?: { repository: string; sha: string };
}

/** Links to files at `sha` of the workflow's repository (GITHUB_SERVER_URL / GITHUB_REPOSITORY), when known. */
export function fileLinks(env: NodeJS.ProcessEnv, sha: string | undefined): Pick<MarkdownOptions, 'links'> {
  return env.GITHUB_REPOSITORY && sha
    ? { links: { repository: `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`, sha } }
    : {};
}

/** The hidden marker that finds this comment again: one per set of directories. */
export function commentMarker(report: Report): string {
  const id = createHash('sha256')
    .update(
      report.directories
        .map((d) => d.path)
        .sort()
        .join('\n'),
    )
    .digest('hex')
    .slice(0, 12);
  return `<!-- migrate-check:${id} -->`;
}

/** Text for a table cell: no pipe, no raw HTML, no line break can escape the cell. */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n/g, '<br>');
}

const longestBacktickRun = (text: string) => Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));

/**
 * A code span that holds any text, backticks included, inside a table cell: entities are not
 * decoded in code, so only the pipe is escaped (GitHub reads `\|` as `|` there).
 */
function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const ticks = '`'.repeat(longestBacktickRun(flat) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat.replace(/\|/g, '\\|')}${pad}${ticks}`;
}

/** A message for a table cell: its `quoted` names as code, the rest as escaped text. */
function inline(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part) =>
      part.length > 2 && part.startsWith('`') && part.endsWith('`') ? code(part.slice(1, -1)) : cell(part),
    )
    .join('');
}

/** A fenced block that its content cannot close: a fence longer than any backtick run in it. */
export function fenced(language: string, content: string): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
  return `${fence}${language}\n${content}\n${fence}`;
}

const ICON = { error: '❌', warning: '⚠️', notice: 'ℹ️' } as const;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function verdict(report: Report): string {
  const parts = verdictParts(report);
  return report.ok
    ? `### ✅ Migrations are safe to merge${parts.length ? ` (${parts.join(', ')} below the failing threshold)` : ''}`
    : `### ❌ Migrations are not safe to merge: ${parts.join(', ')}`;
}

function where(f: Finding, links: MarkdownOptions['links']): string {
  if (!f.file) return '';
  const label = f.line ? `${f.file}:${f.line}` : f.file;
  if (!links) return code(label);
  const path = f.file.split('/').map(encodeURIComponent).join('/');
  return `[${code(label)}](${links.repository}/blob/${links.sha}/${path}${f.line ? `#L${f.line}` : ''})`;
}

function findingsTable(report: Report, links: MarkdownOptions['links'], limit = Infinity): string[] {
  if (report.findings.length === 0) return [];
  const rows = report.findings.slice(0, limit).map((f) => {
    const severity = `${ICON[f.severity]} ${f.severity}${fails(f.severity, report.failOn) ? '' : ' (does not fail)'}`;
    return `| ${severity} | [${f.check}](${docsUrl(f.check)}) | ${where(f, links)} | ${inline(f.message)}<br>**Fix:** ${inline(f.help)} |`;
  });
  const more = report.findings.length - rows.length;
  return [
    '| Severity | Check | Where | Finding |',
    '|---|---|---|---|',
    ...rows,
    ...(more > 0 ? [``, `…and ${plural(more, 'more finding')}: see the job summary or the JSON report.`] : []),
  ];
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

type Tier = 'full' | 'diff truncated' | 'summary only';

function render(
  report: Report,
  options: MarkdownOptions,
  tier: Tier,
  diffBudget: number,
  findingLimit = Infinity,
): string {
  const out = [commentMarker(report), verdict(report)];
  const unchecked = notCheckedSentences(report);
  if (unchecked.length) out.push('', ...unchecked.map((line) => `> ⚠️ ${inline(line)}`));
  const table = findingsTable(report, options.links, findingLimit);
  if (table.length) out.push('', ...table);
  for (const dir of report.directories) {
    const { summary, diff } = dir.schema;
    if (summary === undefined) continue;
    out.push('', `#### Schema changes in ${code(dir.path)} (base → this PR)`, '');
    out.push(...(Object.keys(summary).length ? summaryLines(summary) : ['No schema changes.']));
    const perMigration = dir.migrations.filter((m) => m.status === 'new' && m.changes && Object.keys(m.changes).length);
    if (perMigration.length && tier !== 'summary only') {
      out.push('', '<details><summary>Objects each new migration changes</summary>', '');
      for (const m of perMigration)
        out.push(`**${code(`${m.version}_${m.name}`)}**`, '', ...summaryLines(m.changes!), '');
      out.push('</details>');
    }
    if (diff && tier !== 'summary only') {
      const cutAt = diff.lastIndexOf('\n', diffBudget);
      const shown = diff.length > diffBudget ? (cutAt > 0 ? diff.slice(0, cutAt) : '') : diff;
      out.push('', '<details><summary>Schema diff</summary>', '', fenced('diff', shown), '');
      if (shown.length < diff.length)
        out.push(
          `*The diff is cut here (${plural(diff.split('\n').length - shown.split('\n').length, 'more line')}): the full diff is in the job summary and the JSON report.*`,
          '',
        );
      out.push('</details>');
    }
  }
  if (tier !== 'summary only') {
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
    const steps = report.directories.flatMap((d) =>
      d.steps.filter((s) => s.status !== 'skipped').map((s) => ({ d, s })),
    );
    if (steps.length) {
      out.push(
        '',
        '<details><summary>Steps and timings</summary>',
        '',
        '| Directory | Migration | Step | ms |',
        '|---|---|---|---|',
      );
      for (const { d, s } of steps) {
        out.push(
          `| ${code(d.path)} | ${code(`${s.version}_${s.name}`)} | ${s.direction}${s.attempt === 2 ? ' (again)' : ''}${s.status === 'failed' ? ' ❌' : ''} | ${s.durationMs} |`,
        );
      }
      out.push('', '</details>');
    }
  }
  const pg = `${serversText(report)} · ${(report.durationMs / 1000).toFixed(1)} s`;
  out.push('', `<sub>${cell(pg)}${tier === 'full' ? '' : ` · shortened to fit (${tier})`}</sub>`, '');
  return out.join('\n');
}

/**
 * The PR comment (and, with a larger budget, the job summary): a pure function of the Report
 * that never exceeds `budget` characters. It degrades in tiers, and says which it used: the
 * full comment, then the schema diff cut to fit, then the schema summary without the diff and
 * timings, then (for thousands of findings) the first findings only.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const budget = options.budget ?? COMMENT_LIMIT;
  const full = render(report, options, 'full', Infinity);
  if (full.length <= budget) return full;
  const withoutDiff = render(report, options, 'summary only', 0);
  // Everything but the diffs' lines, measured; the diffs share what is left.
  const skeleton = render(report, options, 'diff truncated', 0);
  let room = Math.floor((budget - skeleton.length) / Math.max(1, report.directories.length));
  while (room > 2_000) {
    const cut = render(report, options, 'diff truncated', room);
    if (cut.length <= budget) return cut;
    room = Math.floor(room * 0.9);
  }
  if (withoutDiff.length <= budget) return withoutDiff;
  for (let limit = report.findings.length - 1; limit > 0; limit = Math.floor(limit * 0.8)) {
    const fewer = render(report, options, 'summary only', 0, limit);
    if (fewer.length <= budget) return fewer;
  }
  return render(report, options, 'summary only', 0, 0).slice(0, budget);
}
