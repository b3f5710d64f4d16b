import { stat, writeFile, appendFile, access, constants } from 'node:fs/promises';
import { dirname } from 'node:path';
import { connectionEnded, ToolError } from './errors.ts';

/** What an errno means for the user, and what to do about it. */
const FIXES: Record<string, [string, string]> = {
  EACCES: ['permission denied', 'give the user running migrate-check access to it, or choose another path'],
  EPERM: ['operation not permitted', 'give the user running migrate-check access to it, or choose another path'],
  ENOENT: ['it does not exist', 'check the path, and that its folder exists'],
  ENOTDIR: ['a part of the path is a file, not a folder', 'check the path'],
  EISDIR: ['it is a folder, not a file', 'name a file'],
  ENOSPC: ['the disk is full', 'free some space, or point TMPDIR at a disk with room'],
  EDQUOT: ['the disk quota is exceeded', 'free some space, or point TMPDIR at a disk with room'],
  EROFS: ['the file system is read-only', 'choose a writable location (for temporary files: set TMPDIR)'],
  EMFILE: ['too many open files', 'raise the limit (ulimit -n 4096) and run again'],
  ENFILE: ['too many open files on this machine', 'close other programs or raise the system limit, and run again'],
};

const VERBS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  scandir: 'list',
  stat: 'look at',
  lstat: 'look at',
  rename: 'rename',
  unlink: 'remove',
  rmdir: 'remove',
  copyfile: 'copy',
  symlink: 'link',
  chmod: 'change the mode of',
  chown: 'change the owner of',
  access: 'access',
};

/**
 * The error a run failed with: where a cleanup failed too while it unwound (a SuppressedError, as
 * `await using` throws it), the first one, which says what happened.
 */
export function firstError(error: unknown): unknown {
  let e = error;
  while (e instanceof Error && e.name === 'SuppressedError' && 'suppressed' in e) e = e.suppressed;
  return e;
}

/**
 * What a run says when it ended without a verdict because nothing was left that could end what it
 * was waiting for (a promise no event can settle): a bug, and never a pass.
 */
export const UNSETTLED =
  'migrate-check: the run ended before it reached a verdict: it was waiting for something that can no ' +
  'longer happen. This is a bug in migrate-check; please report it with the command you ran. ' +
  'No verdict was reached; run the check again.\n';

/**
 * The process exits with `run`'s code. Node ends a process with nothing left to wait for, even
 * one whose run is still awaiting something: that must never read as a pass, so it exits 2, after
 * `unsettled` has said so.
 */
export function exitWith(run: Promise<number>, unsettled: () => void): void {
  let settled = false;
  void run.then((code) => {
    settled = true;
    process.exitCode = code;
  });
  process.on('beforeExit', () => {
    if (settled) return;
    process.exitCode = 2;
    unsettled();
  });
}

/**
 * A connection to the Postgres server that ended in the middle of the run, as a sentence; null
 * for other errors. The server was stopped, killed or crashed (or a migration ended the tool's
 * sessions): not a bug in migrate-check, and nothing a verdict can be given on.
 */
export function describeLostServer(error: unknown): string | null {
  if (!connectionEnded(error)) return null;
  return (
    `The connection to the Postgres server ended during the run (${error.message}): the server was ` +
    'stopped, killed or ran out of memory, or a migration ended the sessions migrate-check uses ' +
    '(pg_terminate_backend). No verdict was reached; run the check again.'
  );
}

/**
 * A Node system error (EACCES, ENOENT, ENOSPC …) that reached the CLI, as a sentence naming the
 * path, what went wrong and the fix; null for other errors. These come from the machine (a
 * folder, TMPDIR, the disk), not from a bug in migrate-check.
 */
export function describeSystemError(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const e = error as NodeJS.ErrnoException & { dest?: string };
  const fix = typeof e.code === 'string' ? FIXES[e.code] : undefined;
  if (!fix) return null;
  if (e.syscall === 'mkdtemp') {
    // The path is TMPDIR plus a random suffix: name the folder the user chose.
    const folder = e.path ? ` in \`${dirname(e.path)}\`` : '';
    return (
      `Could not create a temporary folder${folder}: ${fix[0]} (${e.code}). ` +
      'Set TMPDIR to an existing, writable folder.'
    );
  }
  const verb = (e.syscall && VERBS[e.syscall]) ?? e.syscall ?? 'use';
  const path = e.path ? ` \`${e.path}\`${e.dest ? ` → \`${e.dest}\`` : ''}` : '';
  return `Could not ${verb}${path}: ${fix[0]} (${e.code}). ${capitalise(fix[1])}.`;
}

const capitalise = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Why `path` cannot take a report, before a run spends minutes producing one; null when it can. */
export async function unwritable(path: string): Promise<string | null> {
  const st = await stat(path).catch(() => null);
  if (st?.isDirectory()) return 'it is a folder; name a file such as report.json';
  if (st)
    return access(path, constants.W_OK).then(
      () => null,
      () => 'it is not writable (permission denied)',
    );
  const parent = await stat(dirname(path)).catch(() => null);
  if (!parent) return `its folder \`${dirname(path)}\` does not exist; create it first`;
  if (!parent.isDirectory()) return `\`${dirname(path)}\` is not a folder`;
  const denied = `its folder \`${dirname(path)}\` is not writable (permission denied)`;
  return access(dirname(path), constants.W_OK).then(
    () => null,
    () => denied,
  );
}

/** Writes (or appends) a report, turning a filesystem error into a ToolError naming `what` and `shown`. */
export async function writeReport(path: string, text: string, what: string, mode: 'write' | 'append' = 'write') {
  try {
    await (mode === 'write' ? writeFile(path, text) : appendFile(path, text));
  } catch (error) {
    const why = describeSystemError(error);
    if (!why) throw error;
    throw new ToolError(`${what} could not be written. ${why}`);
  }
}

/** Refuses a report destination that cannot be written, before the run. */
export async function checkWritable(path: string, what: string) {
  const why = await unwritable(path);
  if (why) throw new ToolError(`${what} cannot be written: ${why}.`);
}
