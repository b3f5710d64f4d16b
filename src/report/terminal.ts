import type { Finding } from '../checks/check.ts';
import { docsUrl } from './docs-url.ts';
import { verdictParts, serversText, fails, notCheckedSentences, type Report } from './report.ts';
import { style as makeStyle, type Style } from './style.ts';
import { visible, visibleLines } from './visible.ts';

/** Ignored files named in the text report; the JSON report lists all of them. */
export const IGNORED_SHOWN = 5;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function verdict(report: Report, s: Style): string {
  const parts = verdictParts(report);
  if (report.ok) {
    return (
      s.green(s.bold('✓ Migrations are safe to merge')) +
      (parts.length
        ? s.dim(
            ` (${parts.join(', ')} below ${report.failOn === 'never' ? 'any threshold' : `fail-on ${report.failOn}`})`,
          )
        : '')
    );
  }
  return s.red(s.bold(`✗ Migrations are not safe to merge: ${parts.join(', ')}`));
}

function finding(f: Finding, s: Style, failOn: Report['failOn']): string {
  const paint = f.severity === 'error' ? s.red : f.severity === 'warning' ? s.yellow : s.blue;
  // Findings are grouped under their file, so only the line is repeated here.
  const where = f.line ? `line ${f.line}` : '';
  const [first, ...rest] = visibleLines(f.message).split('\n');
  const lines = [
    `  ${paint(f.severity.padEnd(7))} ${s.bold(f.check)}${where ? '  ' + s.dim(where) : ''}${fails(f.severity, failOn) ? '' : s.dim(' (does not fail the run)')}`,
  ];
  lines.push(`          ${first}`);
  for (const line of rest) {
    const colored = line.startsWith('+') ? s.green(line) : line.startsWith('-') ? s.red(line) : line;
    lines.push(`          ${colored}`);
  }
  lines.push(`          ${s.dim('help:')} ${visible(f.help)}`);
  lines.push(`          ${s.dim('docs: ' + docsUrl(f.check))}`);
  return lines.join('\n');
}

/** `n files ignored by <format>: a, b, c, d, e … and n − 5 more (see --output json)`. */
function ignoredLine(dir: Report['directories'][number]): string {
  const names = dir.ignored.slice(0, IGNORED_SHOWN).map((i) => visible(i.file));
  const more = dir.ignored.length - names.length;
  const rest = more ? ` … and ${more} more (see --output json)` : '';
  return `  ${plural(dir.ignored.length, 'file')} ignored by ${dir.format}: ${names.join(', ')}${rest}`;
}

/**
 * Human output: verdict first, then what was checked, then findings grouped by file. Every
 * user-derived text is shown with its control characters escaped (see visible.ts).
 */
export function renderTerminal(report: Report, options: { color: boolean }): string {
  const s = makeStyle(options.color);
  const out = [verdict(report, s)];
  for (const line of notCheckedSentences(report)) out.push(s.yellow(`! ${visible(line)}`));
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
  out.push(s.dim(`${serversText(report)} · ${(report.durationMs / 1000).toFixed(1)} s`));
  for (const f of report.suppressed ?? []) {
    out.push(s.dim(`suppressed ${f.check} in ${visible(f.file ?? '(directory)')}: ${visible(f.reason)}`));
  }
  if (report.findings.length) {
    out.push('');
    let file: string | null | undefined;
    for (const f of report.findings) {
      if (f.file !== file) {
        file = f.file;
        out.push(s.bold(f.file === null || f.file === undefined ? '(directory)' : visible(f.file)));
      }
      out.push(finding(f, s, report.failOn));
    }
  }
  for (const dir of report.directories) out.push(...schemaSection(dir, s));
  return out.join('\n') + '\n';
}

/** Lines of the schema diff shown in a terminal; the JSON report has all of it. */
const DIFF_LINES = 200;

/** With a base: what the PR changes in the schema, per kind, then the diff in colour. */
function schemaSection(dir: Report['directories'][number], s: Style): string[] {
  const { summary, diff } = dir.schema;
  if (!summary) return [];
  const out = ['', s.bold(`Schema changes in ${visible(dir.path)} (base → head)`)];
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
    out.push('');
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
  }
  return out;
}
