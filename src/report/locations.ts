/**
 * Where a finding points, as code scanning (SARIF), GitLab Code Quality and JUnit reports name
 * it: a path relative to the repository root with forward slashes, a line, a column when
 * Postgres told one, and a fingerprint that stays the same while the finding does.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Finding } from '../checks/check.ts';
import type { Report } from './report.ts';

/**
 * How the report's paths (as the run was given them: relative to its working directory, or
 * absolute) become repository-relative: `cwd` is the run's working directory, `root` the
 * repository's top folder. Without them, paths are taken as they are.
 */
export interface PathBase {
  cwd?: string;
  root?: string;
}

/** A report path relative to `root`, with forward slashes; absolute when it lies outside the root. */
export function repositoryPath(file: string, base: PathBase = {}): string {
  // On Windows the separator becomes `/`; elsewhere a backslash is part of a file's name.
  const slashes = (p: string) => p.split(sep).join('/');
  if (!base.root) return slashes(file).replace(/^\.\//, '');
  const absolute = isAbsolute(file) ? file : resolve(base.cwd ?? base.root, file);
  const inside = relative(base.root, absolute);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return slashes(absolute);
  return slashes(inside);
}

/**
 * The column of a finding about a failed statement: the one Postgres pointed at, read from the
 * step that failed there; null when the error had no position inside the statement.
 */
export function findingColumn(report: Report, f: Finding): number | null {
  if (!f.file || f.line === null) return null;
  for (const dir of report.directories)
    for (const step of dir.steps)
      for (const error of [step.error, step.failedOnData])
        if (error && error.file === f.file && error.line === f.line && error.located && error.column)
          return error.column;
  return null;
}

/**
 * The directory a finding without a file belongs to: the one its message names, else the first.
 * Code scanning needs a location for every result.
 */
export function directoryOf(report: Report, f: Finding): string | null {
  const dirs = report.directories.map((d) => d.path);
  return dirs.find((d) => f.message.includes(d)) ?? dirs[0] ?? null;
}

/**
 * Stable fingerprints, one per finding in report order: the check, the repository path and the
 * message with every number taken out (lines, columns and timings move while the finding stays
 * the same), plus the finding's rank among identical ones. A line added above a finding, or a
 * statement that ran a few milliseconds longer, keeps its fingerprint.
 */
export function fingerprints(findings: readonly Finding[], base: PathBase = {}): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = [f.check, f.file === null ? '' : repositoryPath(f.file, base), f.message.replace(/\d+/g, '#')].join(
      '\0',
    );
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    return createHash('sha256').update(`${key}\0${rank}`).digest('hex').slice(0, 32);
  });
}
