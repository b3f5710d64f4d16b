import type { Finding, Severity } from '../checks/check.ts';
import type { Report } from './report.ts';

/** GitHub workflow command escaping (as @actions/core does): data, then properties. */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Annotations per severity before the rest are folded into one notice (GitHub shows 10 per step and kind). */
export const ANNOTATIONS_PER_SEVERITY = 10;

function annotation(f: Finding): string {
  const props = [f.file && `file=${property(f.file)}`, f.file && f.line && `line=${f.line}`, `title=${property(`migrate-check ${f.check}`)}`].filter(Boolean).join(',');
  return `::${f.severity} ${props}::${data(`${f.message}\n\n${f.help}`)}`;
}

/**
 * File/line annotations as GitHub workflow commands: at most 10 per severity, then one notice
 * that counts the rest (they are all in the job summary and the JSON report).
 */
export function renderAnnotations(report: Report): string {
  const lines: string[] = [];
  let rest = 0;
  for (const severity of ['error', 'warning', 'notice'] as Severity[]) {
    const of = report.findings.filter((f) => f.severity === severity);
    lines.push(...of.slice(0, ANNOTATIONS_PER_SEVERITY).map(annotation));
    rest += Math.max(0, of.length - ANNOTATIONS_PER_SEVERITY);
  }
  if (rest > 0) lines.push(`::notice title=${property('migrate-check')}::${data(`${rest} more finding${rest === 1 ? '' : 's'} not annotated here: see the job summary.`)}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}
