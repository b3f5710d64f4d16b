import type { Finding } from '../checks/check.ts';
import { sortFindings, type DirectoryReport, type Report } from './report.ts';

/** One server's report in a run over several Postgres majors. */
export interface MajorReport {
  major: number;
  report: Report;
}

/**
 * Checks whose message says what the server did or answered, in its own words: the tables a plan
 * read (a foreign key's check reads either table first), the error's text and SQLSTATE (Postgres
 * 18 names a violated foreign key 23001 where 17 says 23503). One statement's finding on every
 * major is one finding, whatever each server said.
 */
const SERVER_WORDED = new Set(['blocking-lock', 'table-rewrite', 'lock-timeout', 'fails-on-data', 'sql-error']);

/**
 * A finding's identity across servers: its check, place and message with the figures taken out
 * (hold times and row counts differ from run to run; what happened does not); for a finding in
 * the server's words, its check and place.
 */
const identity = (f: Finding) =>
  [
    f.check,
    f.severity,
    f.file ?? '',
    f.line ?? '',
    SERVER_WORDED.has(f.check) && f.line !== null ? '' : f.message.replace(/\d[\d,.]*/g, '#'),
  ].join('\u0000');

const listed = (majors: readonly number[]) =>
  majors.length === 1 ? String(majors[0]) : `${majors.slice(0, -1).join(', ')} and ${majors.at(-1)}`;

/**
 * One Report from the same directories checked on several majors (the first one leads): a
 * finding on every major is reported once; one on some majors only says so, first thing in its
 * message ("On Postgres 15 only (not 17): …"), so a migration that passes on one major and fails
 * on another is called out. Each finding lists its majors (`postgresVersions`). A directory keeps
 * the first major's steps and schema, and the others' where they differ.
 */
export function combineMajors(reports: readonly MajorReport[]): Report {
  const [lead, ...rest] = reports;
  if (!lead) throw new Error('combineMajors needs at least one report');
  if (!rest.length) return lead.report;
  const all = reports.map((r) => r.major);
  // Findings matched by identity; several alike in one report are paired in order.
  const groups = new Map<string, { finding: Finding; majors: number[] }[]>();
  for (const { major, report } of reports) {
    const seen = new Map<string, number>();
    for (const finding of report.findings) {
      const key = identity(finding);
      const nth = seen.get(key) ?? 0;
      seen.set(key, nth + 1);
      const list = groups.get(key) ?? [];
      if (list[nth]) list[nth].majors.push(major);
      else list[nth] = { finding, majors: [major] };
      groups.set(key, list);
    }
  }
  const findings = [...groups.values()].flat().map(({ finding, majors }) => {
    if (majors.length === all.length) return { ...finding, postgresVersions: majors };
    const others = all.filter((m) => !majors.includes(m));
    return {
      ...finding,
      message: `On Postgres ${listed(majors)} only (not ${listed(others)}): ${finding.message}`,
      postgresVersions: majors,
    };
  });
  return {
    ...lead.report,
    ok: reports.every((r) => r.report.ok),
    durationMs: Math.max(...reports.map((r) => r.report.durationMs)),
    majors: reports.map(({ major, report }) => ({ major, ...report.postgres })),
    directories: lead.report.directories.map((directory, i) => withOtherMajors(directory, i, rest)),
    findings: sortFindings(findings),
  };
}

function withOtherMajors(directory: DirectoryReport, i: number, rest: readonly MajorReport[]): DirectoryReport {
  const majors = rest.map(({ major, report }) => {
    const other = report.directories[i]!;
    const same = other.schema.head === directory.schema.head && other.schema.diff === directory.schema.diff;
    return {
      major,
      steps: other.steps,
      ...(other.notChecked ? { notChecked: other.notChecked } : {}),
      ...(same ? {} : { schema: other.schema }),
    };
  });
  return { ...directory, majors };
}
