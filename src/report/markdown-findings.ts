import type { Finding } from '../checks/check.ts';
import { docsUrl } from './docs-url.ts';
import type { Group } from './groups.ts';
import { code, fenced, inline } from './markdown-text.ts';
import { fails, type DirectoryReport, type Report } from './report.ts';

/** Links findings to the file at the head commit: `https://github.com/owner/repo` and the sha. */
export type Links = { repository: string; sha: string } | undefined;

const ICON = { error: '❌', warning: '⚠️', notice: 'ℹ️' } as const;

/** `path:line` as code, linked to the line at the head commit when links are known. */
export function where(f: Pick<Finding, 'file' | 'line'>, links: Links): string {
  if (!f.file) return '';
  const label = f.line ? `${f.file}:${f.line}` : f.file;
  if (!links) return code(label);
  const path = f.file.split('/').map(encodeURIComponent).join('/');
  return `[${code(label)}](${links.repository}/blob/${links.sha}/${path}${f.line ? `#L${f.line}` : ''})`;
}

/** The lines around a finding's line in a fenced block, the line itself marked with a trailing comment. */
export function excerptBlock(f: Finding, dir: DirectoryReport | null): string[] {
  const e = dir?.excerpts?.find((x) => x.file === f.file && x.line === f.line);
  if (!e) return [];
  const lines = e.lines.map((text, i) => (e.first + i === e.line ? `${text}  -- ◀ line ${e.line}` : text));
  return [fenced('sql', lines.join('\n'))];
}

/** The generated SQL for a down that does not restore the schema, as a block to copy. */
export function restoreBlock(f: Finding, dir: DirectoryReport | null): string[] {
  const r = f.check === 'down-reverts-up' ? dir?.restore?.find((x) => x.file === f.file) : undefined;
  if (!r) return [];
  const out: string[] = [];
  const file = r.file.split('/').at(-1)!;
  if (r.sql) {
    out.push(`**Generated fix**: add to the end of ${code(file)} what would restore the schema from before the up:`);
    out.push('', fenced('sql', r.sql), '');
    out.push(
      '<sub>Generated from the schema before the up and after the down, not from your intent: ' +
        'read it before you use it (data the down already lost is not brought back).</sub>',
    );
  }
  if (r.unsupported.length) {
    out.push('', `No statement was generated for ${r.unsupported.length === 1 ? 'this difference' : 'these'}:`);
    out.push(...r.unsupported.map((u) => `- ${inline(u)}`));
  }
  return out;
}

function findingLines(
  f: Finding,
  dir: DirectoryReport | null,
  report: Report,
  links: Links,
  shown: Set<string>,
): string[] {
  // A line is shown once, under the first finding whose excerpt holds it.
  const seen = shown.has(`${f.file}:${f.line}`);
  const excerpt = dir?.excerpts?.find((x) => x.file === f.file && x.line === f.line);
  if (!seen && excerpt) excerpt.lines.forEach((_, i) => shown.add(`${f.file}:${excerpt.first + i}`));
  const gate = fails(f.severity, report.failOn) ? '' : ' (does not fail the run)';
  const place = where(f, links);
  const message = f.message.split('\n').map(inline).join('<br>');
  return [
    `${ICON[f.severity]} **${f.severity}${gate}** · [${f.check}](${docsUrl(f.check)})${place ? ` · ${place}` : ''}` +
      '<br>',
    `${message}<br>`,
    `**Fix:** ${inline(f.help)}`,
    ...blank(seen ? [] : excerptBlock(f, dir)),
    ...blank(restoreBlock(f, dir)),
  ];
}

const blank = (lines: string[]) => (lines.length ? ['', ...lines] : []);

/** A group's heading and its findings, consequences quoted under their cause. */
export function groupLines(
  group: Group,
  report: Report,
  links: Links,
  options: { excerpts: boolean; limit: number },
): string[] {
  const inDirectory = report.directories.length > 1 && group.directory ? ` in ${code(group.directory.path)}` : '';
  const title = group.migration
    ? `${code(`${group.migration.version}_${group.migration.name}`)}${inDirectory}`
    : group.directory
      ? code(group.directory.path)
      : 'All directories';
  const counts = [
    group.counts.error && `${group.counts.error} error${group.counts.error === 1 ? '' : 's'}`,
    group.counts.warning && `${group.counts.warning} warning${group.counts.warning === 1 ? '' : 's'}`,
    group.counts.notice && `${group.counts.notice} notice${group.counts.notice === 1 ? '' : 's'}`,
  ].filter(Boolean);
  const out = [`#### ${title} · ${counts.join(', ')}`];
  const dir = options.excerpts ? group.directory : null;
  const shown = new Set<string>();
  for (const item of group.items.slice(0, options.limit)) {
    out.push('', ...findingLines(item.finding, dir, report, links, shown));
    for (const c of item.consequences) {
      const quoted = ['**Follows from the finding above:**', '', ...findingLines(c, dir, report, links, shown)];
      out.push('', ...quoted.map((l) => (l ? `> ${l.replace(/\n/g, '\n> ')}` : '>')));
    }
  }
  return out;
}
