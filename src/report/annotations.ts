import type { Finding, Severity } from '../checks/check.ts';
import type { Report } from './report.ts';
import { visible, visibleLines } from './visible.ts';

/** GitHub workflow command escaping (as @actions/core does): data, then properties. */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Annotations per severity before the rest are folded into one notice (GitHub shows 10 per step and kind). */
export const ANNOTATIONS_PER_SEVERITY = 10;

/**
 * Controls that workflow-command escaping leaves raw (all but CR and LF, which it escapes): in
 * `file=` they would reach the log, whose viewer runs ANSI escapes, and bidi controls would
 * reorder the path as it is read.
 */
// eslint-disable-next-line no-control-regex
const RAW_IN_PROPERTY = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * NOTE: a file whose name holds such a control gets no `file=`/`line=`: the annotation could
 * only point at it by carrying the raw character. It names the file, escaped, in its message
 * instead; every other file keeps its exact path so GitHub links the annotation to it.
 */
function annotation(f: Finding): string {
  const linked = f.file !== null && !RAW_IN_PROPERTY.test(f.file);
  const where = f.file && !linked ? `${visible(f.file)}${f.line ? `, line ${f.line}` : ''}: ` : '';
  const props = [
    linked && `file=${property(f.file!)}`,
    linked && f.line && `line=${f.line}`,
    `title=${property(`migrate-check ${f.check}`)}`,
  ]
    .filter(Boolean)
    .join(',');
  return `::${f.severity} ${props}::${data(visibleLines(`${where}${f.message}\n\n${f.help}`))}`;
}

/**
 * File/line annotations as GitHub workflow commands: at most 10 per severity, then one notice
 * that counts the rest (they are all in the job summary and the JSON report). Every value is
 * escaped so that it stays inside its one line and shows no control character raw.
 */
export function renderAnnotations(report: Report): string {
  const lines: string[] = [];
  let rest = 0;
  for (const severity of ['error', 'warning', 'notice'] as Severity[]) {
    const of = report.findings.filter((f) => f.severity === severity);
    lines.push(...of.slice(0, ANNOTATIONS_PER_SEVERITY).map(annotation));
    rest += Math.max(0, of.length - ANNOTATIONS_PER_SEVERITY);
  }
  if (rest > 0) {
    const more = `${rest} more finding${rest === 1 ? '' : 's'} not annotated here: see the job summary.`;
    lines.push(`::notice title=${property('migrate-check')}::${data(more)}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
