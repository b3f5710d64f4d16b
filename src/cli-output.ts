/** What the CLI writes besides the report: progress lines, streams a GitHub runner reads, the --base hint. */
import { onDefaultBranch } from './history/git.ts';
import type { Step } from './replay.ts';
import type { Report } from './report/report.ts';
import { visible } from './report/visible.ts';
import { neutraliseCommands, neutraliseJson } from './report/workflow-commands.ts';

export interface Streams {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
}

/**
 * Progress on a terminal: one line on stderr, redrawn in place as each step completes, counting
 * every step (ups, downs and ups again). Elsewhere (a pipe, a CI log) nothing: the report says it all.
 */
export function progress(streams: Streams) {
  const tty = Boolean(streams.stderr.isTTY);
  let drawn = false;
  return {
    onStep(directory: string, step: Step, done: number, total: number) {
      if (!tty) return;
      const mark = step.status === 'ok' ? '✓' : step.status === 'failed' ? '✗' : '-';
      const name = visible(`${step.version}_${step.name}`);
      const again = step.attempt === 2 ? ' (again)' : '';
      const line = `${mark} ${visible(directory)} ${name} ${step.direction}${again} ${step.durationMs} ms`;
      const columns = streams.stderr.columns ?? 0;
      const shown = `[${done}/${total}] ${line}`;
      streams.stderr.write(
        `\r\x1b[2K${columns && shown.length >= columns ? `${shown.slice(0, columns - 2)}…` : shown}`,
      );
      drawn = true;
    },
    /** A line that stays (the one-time setup of a cache): printed above the progress line. */
    say(text: string) {
      streams.stderr.write(`${drawn ? '\r\x1b[2K' : ''}${text}\n`);
    },
    end() {
      if (drawn) streams.stderr.write('\r\x1b[2K');
    },
  };
}

/**
 * Streams as a GitHub Actions runner reads them (`--output github`, or any output inside Actions):
 * text can no longer carry workflow commands (see report/workflow-commands.ts); `raw` writes our
 * own annotation lines.
 */
export function guarded(streams: Streams, env: NodeJS.ProcessEnv, argv: string[]) {
  const github = (a: string, i: number) => a === '--output=github' || (a === '--output' && argv[i + 1] === 'github');
  let runner = env.GITHUB_ACTIONS === 'true' || argv.some(github);
  const wrap = (stream: Streams['stdout']) => ({
    isTTY: stream.isTTY,
    get columns() {
      return stream.columns;
    },
    write: (s: string) => stream.write(runner ? neutraliseCommands(s) : s),
  });
  return {
    streams: { stdout: wrap(streams.stdout), stderr: wrap(streams.stderr) },
    raw: streams.stdout,
    json: (s: string) => streams.stdout.write(runner ? neutraliseJson(s) : s),
    forRunner: (yes: boolean) => void (runner ||= yes),
  };
}

/**
 * Adopting on a history with old broken migrations: when the first error is in a migration
 * already on the default branch, say so and how to check only what the branch adds.
 */
export async function baseHint(report: Report, cwd: string): Promise<string> {
  const first = report.findings.find((f) => f.severity === 'error' && f.file);
  const ref = first?.file ? await onDefaultBranch(cwd, first.file) : null;
  if (!ref) return '';
  return (
    `${first!.file!} is already on ${ref}: the failure may be an old one. ` +
    `To check only what this branch adds, run with --base ${ref} (see "Pull requests: --base" in the README).`
  );
}
