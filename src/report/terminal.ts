import type { Finding } from '../checks/check.ts';
import { docsUrl } from './docs-url.ts';
import { countsInWords, groupFindings, verdictWords, type Group } from './groups.ts';
import {
  cachedBaseSentences,
  checkedNothing,
  fails,
  notCheckedSentences,
  onBaseSentences,
  serversText,
  type Report,
} from './report.ts';
import { style as makeStyle, type Style } from './style.ts';
import { visible, visibleLines } from './visible.ts';
import { neutraliseCommands } from './workflow-commands.ts';

/** Ignored files named in the text report; the JSON report lists all of them. */
export const IGNORED_SHOWN = 5;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function verdict(report: Report, groups: Group[], s: Style): string {
  const words = verdictWords(report, groups);
  if (checkedNothing(report)) return s.yellow(s.bold(`! No migration was checked${words ? `: ${words}` : ''}`));
  if (report.ok) {
    const threshold = report.failOn === 'never' ? 'any threshold' : `fail-on ${report.failOn}`;
    return s.green(s.bold('✓ Migrations are safe to merge')) + (words ? s.dim(` (${words} below ${threshold})`) : '');
  }
  return s.red(s.bold(`✗ Migrations are not safe to merge: ${words}`));
}

/**
 * `text` broken into lines of at most `width` columns (no limit when width is 0), every line
 * after the first indented by `indent`; a word longer than a line stays whole.
 */
export function wrap(text: string, width: number, indent: string, first = indent): string[] {
  if (!width) return [first + text];
  const out: string[] = [];
  let line = first;
  let empty = true;
  // Colour codes take no columns.
  // eslint-disable-next-line no-control-regex
  const columns = (t: string) => t.replace(/\x1b\[[0-9;]*m/g, '').length;
  for (const word of text.split(' ')) {
    if (!empty && columns(line) + 1 + columns(word) > width) {
      out.push(line);
      line = indent + word;
    } else line += (empty ? '' : ' ') + word;
    empty = false;
  }
  out.push(line);
  return out;
}

/** `path:line:col` (as far as known): the form editors and terminals open at the place. */
function location(f: Finding, report: Report): string {
  if (!f.file) return '(directory)';
  if (!f.line) return visible(f.file);
  const column = report.directories
    .flatMap((d) => d.steps)
    .find((st) => st.error?.file === f.file && st.error.line === f.line && st.error.column)?.error?.column;
  return `${visible(f.file)}:${f.line}${column ? `:${column}` : ''}`;
}

const INDENT = '      ';

function finding(f: Finding, report: Report, s: Style, width: number, lead = '  '): string[] {
  const paint = f.severity === 'error' ? s.red : f.severity === 'warning' ? s.yellow : s.blue;
  const gate = fails(f.severity, report.failOn) ? '' : s.dim(' (does not fail the run)');
  const lines = [`${lead}${s.bold(location(f, report))}: ${paint(f.severity)} ${s.bold(f.check)}${gate}`];
  for (const line of visibleLines(f.message).split('\n')) {
    const colour = line.startsWith('+') ? s.green : line.startsWith('-') ? s.red : (x: string) => x;
    lines.push(...wrap(line, width, INDENT).map(colour));
  }
  lines.push(...wrap(`${s.dim('help:')} ${visible(f.help)}`, width, INDENT + '      ', INDENT));
  const dir = report.directories.find((d) => d.restore?.some((r) => r.file === f.file));
  const fix = f.check === 'down-reverts-up' ? dir?.restore?.find((r) => r.file === f.file) : undefined;
  if (fix?.sql) {
    lines.push(`${INDENT}${s.dim('fix (generated from the schemas: read it before you use it):')}`);
    lines.push(
      ...visibleLines(fix.sql)
        .split('\n')
        .map((l) => `${INDENT}  ${s.green(l)}`),
    );
  }
  for (const u of fix?.unsupported ?? [])
    lines.push(...wrap(`not generated: ${visible(u)}`, width, INDENT + '  ', INDENT));
  lines.push(`${INDENT}${s.dim('docs: ' + docsUrl(f.check))}`);
  return lines;
}

/** The findings per migration, errors first, each consequence under its cause. */
function findingLines(report: Report, groups: Group[], s: Style, width: number): string[] {
  const out: string[] = [];
  for (const g of groups) {
    const title = g.migration ? `${g.migration.version}_${g.migration.name}` : (g.directory?.path ?? 'all directories');
    out.push('', `${s.bold(visible(title))}  ${s.dim(countsInWords(g.counts))}`);
    for (const item of g.items) {
      out.push(...finding(item.finding, report, s, width));
      for (const c of item.consequences) {
        out.push(`    ${s.dim('↳ follows from the finding above:')}`);
        out.push(...finding(c, report, s, width, '    '));
      }
    }
  }
  return out;
}

/** `n files ignored by <format>: a, b, c, d, e … and n − 5 more (see --output json)`. */
function ignoredLine(dir: Report['directories'][number]): string {
  const names = dir.ignored.slice(0, IGNORED_SHOWN).map((i) => visible(i.file));
  const more = dir.ignored.length - names.length;
  const rest = more ? ` … and ${more} more (see --output json)` : '';
  return `  ${plural(dir.ignored.length, 'file')} ignored by ${dir.format}: ${names.join(', ')}${rest}`;
}

export interface TerminalOptions {
  color: boolean;
  /** Columns to wrap long lines to (a terminal's width); 0 or absent: no wrapping. */
  width?: number;
  /** Only the findings and the verdict. */
  quiet?: boolean;
  /** A paragraph for the reader before the closing verdict (the --base hint). */
  note?: string;
  /**
   * `github`: for a GitHub Actions log: each schema diff folded in a `::group::`, and every
   * other line neutralised so that no text can act as a workflow command (see workflow-commands.ts).
   */
  log?: 'github';
}

/**
 * Human output: the verdict, what was checked, the findings per migration, the schema changes,
 * and the verdict again as the last line. Every user-derived text is shown with its control
 * characters escaped (see visible.ts).
 */
export function renderTerminal(report: Report, options: TerminalOptions): string {
  const s = makeStyle(options.color);
  const width = options.width ?? 0;
  const groups = groupFindings(report);
  const last = verdict(report, groups, s);
  if (options.quiet) {
    const found = findingLines(report, groups, s, width);
    return [...found.slice(1), ...(found.length ? [''] : []), last].join('\n') + '\n';
  }
  const out: Line[] = [last];
  for (const line of notCheckedSentences(report)) out.push(...wrap(visible(line), width, '  ', '! ').map(s.yellow));
  out.push('');
  for (const dir of report.directories) {
    const ran = dir.steps.filter((st) => st.status !== 'skipped');
    const ms = ran.reduce((sum, st) => sum + st.durationMs, 0);
    out.push(
      `${s.bold(visible(dir.path))}  ` +
        s.dim(
          `${dir.format} · ${plural(dir.migrations.length, 'migration')} · ` +
            `${plural(ran.length, 'step')} (${dir.roundtrip}) in ${Math.round(ms)} ms`,
        ),
    );
    const skipped = dir.steps.length - ran.length;
    if (skipped) out.push(s.yellow(`  ${plural(skipped, 'step')} skipped after a failure`));
    if (dir.ignored.length) out.push(s.dim(ignoredLine(dir)));
  }
  for (const line of cachedBaseSentences(report)) out.push(...wrap(visible(line), width, '  ', '').map(s.dim));
  out.push(s.dim(`${serversText(report)} · ${(report.durationMs / 1000).toFixed(1)} s`));
  for (const f of report.suppressed ?? []) {
    if (f.onBase) continue;
    out.push(s.dim(`suppressed ${f.check} in ${visible(f.file ?? '(directory)')}: ${visible(f.reason)}`));
  }
  for (const line of onBaseSentences(report)) out.push(...wrap(visible(line), width, '  ', '').map(s.dim));
  out.push(...findingLines(report, groups, s, width));
  for (const dir of report.directories) out.push(...schemaSection(dir, s, options.log === 'github'));
  if (options.note) out.push('', ...wrap(visibleLines(options.note), width, ''));
  if (report.findings.length || options.note || report.directories.some((d) => d.schema.summary)) out.push('', last);
  if (options.log !== 'github') return out.join('\n') + '\n';
  return out.map((l) => (typeof l === 'string' ? neutraliseCommands(l) : l.command)).join('\n') + '\n';
}

/** Lines of the schema diff shown in a terminal; the JSON report has all of it. */
const DIFF_LINES = 200;

/** With a base: what the PR changes in the schema, per kind, then the diff in colour. */
function schemaSection(dir: Report['directories'][number], s: Style, github = false): Line[] {
  const { summary, diff } = dir.schema;
  if (!summary) return [];
  const out: Line[] = ['', s.bold(`Schema changes in ${visible(dir.path)} (base → head)`)];
  const kinds = Object.entries(summary);
  if (kinds.length === 0) out.push(s.dim('  none'));
  for (const [kind, named] of kinds) {
    const k = {
      added: named.added.map(visible),
      removed: named.removed.map(visible),
      changed: named.changed.map(visible),
    };
    const parts = [
      k.added.length &&
        s.green(`+${k.added.length} ${k.added.slice(0, 5).join(', ')}${k.added.length > 5 ? ', …' : ''}`),
      k.removed.length &&
        s.red(`-${k.removed.length} ${k.removed.slice(0, 5).join(', ')}${k.removed.length > 5 ? ', …' : ''}`),
      k.changed.length &&
        s.yellow(`~${k.changed.length} ${k.changed.slice(0, 5).join(', ')}${k.changed.length > 5 ? ', …' : ''}`),
    ].filter(Boolean);
    out.push(`  ${kind.padEnd(18)} ${parts.join('  ')}`);
  }
  if (diff) {
    const lines = visibleLines(diff).split('\n');
    // The group's title is ours, and names the directory escaped as workflow commands escape data.
    const title = visible(dir.path).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    out.push(github ? { command: `::group::Schema diff of ${title} (base → head)` } : '');
    for (const line of lines.slice(0, DIFF_LINES)) {
      out.push(
        line.startsWith('+')
          ? s.green(line)
          : line.startsWith('-')
            ? s.red(line)
            : line.startsWith('@@')
              ? s.blue(line)
              : s.dim(line),
      );
    }
    if (lines.length > DIFF_LINES)
      out.push(s.dim(`… ${lines.length - DIFF_LINES} more lines: the whole diff is in --output json (schema.diff).`));
    if (github) out.push({ command: '::endgroup::' });
  }
  return out;
}

/** A line of output, or a workflow command of our own (never neutralised). */
type Line = string | { command: string };
