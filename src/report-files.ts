/**
 * The reports for other tools that a run also writes to files (`sarif-file`, `gitlab-file`,
 * `junit-file`), for both shells: which were asked for, that each can be written before the run
 * starts, and writing them after it, with paths made relative to the repository root.
 */
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { checkWritable, writeReport } from './cli-errors.ts';
import type { Config } from './config.ts';
import { renderGitlab } from './report/gitlab.ts';
import { renderJunit } from './report/junit.ts';
import type { PathBase } from './report/locations.ts';
import type { Report } from './report/report.ts';
import { renderSarif } from './report/sarif.ts';

/** The renderers of the reports for other tools, by their `output` name. */
export const TOOL_REPORTS = { sarif: renderSarif, gitlab: renderGitlab, junit: renderJunit } as const;
export type ToolReport = keyof typeof TOOL_REPORTS;

const FILE_SETTINGS = [
  ['sarif', 'sarifFile', 'sarif-file'],
  ['gitlab', 'gitlabFile', 'gitlab-file'],
  ['junit', 'junitFile', 'junit-file'],
] as const;

export interface ReportFile {
  format: ToolReport;
  /** Absolute. */
  path: string;
  /** How an error names it: `--sarif-file x.sarif`, or `the sarif-file input (x.sarif)`. */
  shown: string;
}

/**
 * The files the config asks for, each checked writable now: a report that cannot be written is
 * known before the run spends minutes on it.
 */
export async function reportFiles(
  config: Config,
  cwd: string,
  spell: (name: string, value: string) => string,
): Promise<ReportFile[]> {
  const files: ReportFile[] = [];
  for (const [format, key, name] of FILE_SETTINGS) {
    const value = config[key];
    if (!value) continue;
    const file = { format, path: resolve(cwd, value), shown: spell(name, value) };
    await checkWritable(file.path, file.shown);
    files.push(file);
  }
  return files;
}

/**
 * The top folder of the git repository around `cwd` (code scanning's paths start there), else
 * `cwd`. Spelt as `cwd` is: git names it with symbolic links resolved, the report's paths do not.
 */
export async function repositoryRoot(cwd: string): Promise<string> {
  const found = await promisify(execFile)('git', ['rev-parse', '--show-toplevel'], { cwd }).then(
    ({ stdout }) => stdout.trim(),
    () => '',
  );
  if (!found) return cwd;
  const up = relative(await realpath(cwd), found);
  return up === '' || up.split(sep).every((part) => part === '..') ? resolve(cwd, up) : found;
}

/** The base for a run's paths: its working directory, and the repository root. */
export async function pathBase(cwd: string): Promise<PathBase> {
  return { cwd, root: await repositoryRoot(cwd) };
}

export async function writeReportFiles(files: readonly ReportFile[], report: Report, base: PathBase): Promise<void> {
  for (const file of files) await writeReport(file.path, TOOL_REPORTS[file.format](report, base), file.shown);
}
