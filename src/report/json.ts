import type { Report } from './report.ts';

/** The machine-readable report (schema version 1). */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
