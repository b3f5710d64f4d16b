/** What the CLI writes besides the report: progress lines, streams a GitHub runner reads, the --base hint. */
import { onDefaultBranch } from './history/git.ts';
import type { Step } from './replay.ts';
import type { Report } from './report/report.ts';
import { visible } from './report/visible.ts';
import { neutraliseCommands, neutraliseJson } from './report/workflow-commands.ts';

export interface Streams {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

/** One line per step on stderr: redrawn in place on a terminal, ups and failures only elsewhere. */
export function progress(streams: Streams) {
  const tty = Boolean(streams.stderr.isTTY);
  let drawn = false;
  return {
    onStep(directory: string, step: Step, done: number, total: number) {
      const mark = step.status === 'ok' ? '✓' : step.status === 'failed' ? '✗' : '-';
      const name = visible(`${step.version}_${step.name}`);
      const again = step.attempt === 2 ? ' (again)' : '';
      const line = `${mark} ${visible(directory)} ${name} ${step.direction}${again} ${step.durationMs} ms`;
      if (tty) {
        streams.stderr.write(`\r\x1b[2K[${done}/${total}] ${line}`);
        drawn = true;
      } else if (step.status !== 'ok' || step.direction === 'up') {
        streams.stderr.write(`[${done}/${total}] ${line}\n`);
      }
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
    `\n${visible(first!.file!)} is already on ${ref}: the failure may be an old one. ` +
    `To check only what this branch adds, run with --base ${ref} (see "Pull requests: --base" in the README).\n`
  );
}
