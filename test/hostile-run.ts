/**
 * Helpers for the hostile-input and kill suites: build a case folder, run the CLI in-process
 * (fast) or as a real process (signals, blocking opens, the process environment), and the
 * assertions every case shares.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../src/cli.ts';
import type { Server } from '../src/database/database.ts';
import type { Entry } from './hostile-cases.ts';
import { CLI, ROOT } from './helpers.ts';

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Writes `files` under a new temp folder and returns it. */
export function buildCase(files: Record<string, Entry>, prefix = 'mc-hostile-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [key, entry] of Object.entries(files)) {
    const path: string | Buffer = key.startsWith('latin1:')
      ? Buffer.from(`${root}/${key.slice(7)}`, 'latin1')
      : join(root, key);
    mkdirSync(dirname(typeof path === 'string' ? path : join(root, key.slice(7))), { recursive: true });
    if (typeof entry === 'string' || entry instanceof Uint8Array) writeFileSync(path, entry);
    else if ('symlink' in entry) symlinkSync(entry.symlink, path);
    else if ('dir' in entry) mkdirSync(path, { recursive: true });
    else if ('fifo' in entry) execFileSync('mkfifo', [path.toString()]);
    else {
      writeFileSync(path, entry.text);
      chmodSync(path, entry.mode);
    }
  }
  return root;
}

const fill = (s: string, root: string) => s.replaceAll('{root}', root).replaceAll('{db}', join(root, 'db'));

/** main() in this process, with string-collecting streams (on `embedded` when given, as its default server). */
export async function runInProcess(
  args: string[],
  env: Record<string, string>,
  root: string,
  timeoutMs: number,
  embedded?: Server,
): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const streams = {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
  };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  const code = await Promise.race([
    main(
      args.map((a) => fill(a, root)),
      Object.fromEntries(Object.entries(env).map(([k, v]) => [k, fill(v, root)])),
      streams,
      root,
      embedded,
    ).catch((error: unknown) => {
      stderr += `main() rejected: ${String(error)}\n    at <main() must never reject>\n`;
      return -1;
    }),
    timeout,
  ]);
  clearTimeout(timer);
  const timedOut = code === 'timeout';
  return { code: timedOut ? null : code, stdout, stderr, timedOut, ms: performance.now() - started };
}

/** The bundled CLI as a real process; SIGTERM at the timeout, SIGKILL 3 s later. */
export function runProcess(
  args: string[],
  env: Record<string, string | undefined>,
  root: string,
  timeoutMs: number,
  shellPipe?: string,
): Promise<Result> {
  return new Promise((resolvePromise) => {
    const fullEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE,
      NO_COLOR: '1',
      ...env,
    }))
      if (v) fullEnv[k] = fill(v, root);
    const filled = args.map((a) => fill(a, root));
    const child = shellPipe
      ? spawn('sh', ['-c', `"$0" "$@" ${shellPipe}`, process.execPath, CLI, ...filled], {
          cwd: root,
          env: fullEnv,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, [CLI, ...filled], { cwd: root, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const started = performance.now();
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const term = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 3000);
    child.on('close', (code, signal) => {
      clearTimeout(term);
      clearTimeout(kill);
      resolvePromise({ code: code ?? (signal ? -1 : null), stdout, stderr, timedOut, ms: performance.now() - started });
    });
  });
}

export { ROOT };

/** Stack frames or the bug banner: the tool failed in a way it did not mean to. */
export function assertNoCrash(out: string): void {
  assert.doesNotMatch(out, /^\s+at \S/m, 'no stack trace frames');
  assert.doesNotMatch(out, /This is a bug|unexpected error/, 'no "This is a bug"');
}

/** C0 controls other than \n, DEL and C1 controls never reach a terminal or a log. */
export function assertNoControls(out: string, what: string): void {
  const at = out.search(/[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f]/);
  if (at >= 0)
    assert.fail(
      `${what}: raw control character U+${out.codePointAt(at)!.toString(16).padStart(4, '0')} at offset ${at}: ${JSON.stringify(out.slice(Math.max(0, at - 60), at + 40))}`,
    );
}

/**
 * In `--output github`, only migrate-check's own annotations may start a line with `::`: a
 * severity, escaped properties (no raw `:`) ending in its title, then the message. An annotation
 * may have no `file=` (a finding on no file, or on a file whose name holds a control character).
 */
export function assertOnlyOwnWorkflowCommands(out: string): void {
  const ours = /^::(error|warning|notice) [^:]*title=migrate-check[^:]*::/;
  for (const line of out.split(/\r?\n|\r/)) {
    if (!line.startsWith('::')) continue;
    assert.match(line, ours, `a workflow command the tool did not mean: ${JSON.stringify(line.slice(0, 120))}`);
  }
}
