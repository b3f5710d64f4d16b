import type { Finding } from '../checks/check.ts';
import { groupFindings } from './groups.ts';
import type { Report } from './report.ts';

/**
 * The machine-readable report (schema version 1). A finding that follows from another (an up
 * that cannot run again because its down left something behind), which the text and the comment
 * fold under its cause and do not count, carries `followsFrom`: the cause's check, file and line.
 */
export function renderJson(report: Report): string {
  const causes = new Map<Finding, Finding>();
  for (const group of groupFindings(report))
    for (const item of group.items) for (const consequence of item.consequences) causes.set(consequence, item.finding);
  const findings = report.findings.map((f) => {
    const cause = causes.get(f);
    return cause ? { ...f, followsFrom: { check: cause.check, file: cause.file, line: cause.line } } : f;
  });
  return JSON.stringify({ ...report, findings }, null, 2) + '\n';
}
