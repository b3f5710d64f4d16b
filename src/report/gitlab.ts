/**
 * GitLab Code Quality (`--output gitlab`, the `gitlab-file` input): the Code Climate issue list
 * GitLab reads from `artifacts:reports:codequality` and shows in the merge request. One issue per
 * finding, at its repository-relative file and line, with a fingerprint that survives unrelated
 * edits (GitLab compares fingerprints between the source and target branches).
 */
import type { Finding, Severity } from '../checks/check.ts';
import { docsUrl } from './docs-url.ts';
import { directoryOf, fingerprints, repositoryPath, type PathBase } from './locations.ts';
import type { Report } from './report.ts';

/** GitLab's severities are info, minor, major, critical and blocker. */
const SEVERITY: Record<Severity, 'major' | 'minor' | 'info'> = { error: 'major', warning: 'minor', notice: 'info' };

export interface CodeQualityIssue {
  type: 'issue';
  check_name: string;
  description: string;
  content: { body: string };
  categories: string[];
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  fingerprint: string;
  location: { path: string; lines: { begin: number } };
}

function path(report: Report, f: Finding, base: PathBase): string {
  if (f.file !== null) return repositoryPath(f.file, base);
  const dir = directoryOf(report, f);
  return dir === null ? '.' : repositoryPath(dir, base);
}

/** The Code Quality report of a run, as JSON text (an empty list when nothing was found). */
export function renderGitlab(report: Report, base: PathBase = {}): string {
  const prints = fingerprints(report.findings, base);
  const issues: CodeQualityIssue[] = report.findings.map((f, i) => ({
    type: 'issue',
    check_name: f.check,
    description: f.message,
    content: { body: `${f.help}\n\nSee ${docsUrl(f.check)}` },
    categories: ['Bug Risk'],
    severity: SEVERITY[f.severity],
    fingerprint: prints[i]!,
    location: { path: path(report, f, base), lines: { begin: f.line !== null && f.line > 0 ? f.line : 1 } },
  }));
  return JSON.stringify(issues, null, 2) + '\n';
}
