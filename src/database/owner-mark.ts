import { hostname } from 'node:os';

/**
 * Who made a scratch database or run role on a server the user named: written as the object's
 * comment, so that a later run can tell a live run's objects from those of a run that was
 * killed (SIGKILL, a cancelled CI job) and remove the latter.
 */
const PREFIX = 'migrate-check run ';

/** A run on another machine is presumed gone after this long (GitHub Actions jobs end by 6 h). */
const FOREIGN_RUN_MAX_MS = 24 * 3600_000;

export function ownerMark(): string {
  return PREFIX + JSON.stringify({ host: hostname(), pid: process.pid, started: new Date().toISOString() });
}

/** Whether a process of this machine exists (EPERM: it does, owned by another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the run that wrote `mark` is gone: a dead process of this machine, or a run of
 * another machine started more than a day ago. Objects without a mark are never judged gone.
 */
export function ownerGone(mark: string | null, now = Date.now()): boolean {
  if (!mark?.startsWith(PREFIX)) return false;
  let owner: { host?: string; pid?: number; started?: string };
  try {
    owner = JSON.parse(mark.slice(PREFIX.length));
  } catch {
    return false;
  }
  if (owner.host === hostname()) return typeof owner.pid === 'number' && owner.pid !== process.pid && !alive(owner.pid);
  const started = Date.parse(owner.started ?? '');
  return Number.isFinite(started) && now - started > FOREIGN_RUN_MAX_MS;
}
