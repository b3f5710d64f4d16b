import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { alive } from './lifetime.ts';

/**
 * Who made a scratch database or run role on a server the user named: written as the object's
 * comment, so that a later run can tell a live run's objects from those of a run that was
 * killed (SIGKILL, a cancelled CI job) and remove the latter.
 */
const PREFIX = 'migrate-check run ';

/** A run on another machine is presumed gone after this long (GitHub Actions jobs end by 6 h). */
const FOREIGN_RUN_MAX_MS = 24 * 3600_000;

/** This machine, in six hex digits (for names, which are short). */
const hostHash = (host = hostname()) => createHash('sha256').update(host).digest('hex').slice(0, 6);

/**
 * The run's tag inside the names of what it creates, `p<pid>h<host>`: known from the moment the
 * object exists, before its comment can be written.
 */
export function ownerTag(): string {
  return `p${process.pid}h${hostHash()}`;
}

/** Whether `pid`, of the machine hashed `host`, is a run of this machine whose process is gone. */
function tagGone(pid: number, host: string): boolean {
  return host === hostHash() && pid !== process.pid && !alive(pid);
}

/** Whether the name carries the tag of a run of this machine whose process is gone. */
export function taggedOwnerGone(name: string): boolean {
  const match = /_p(\d+)h([0-9a-f]{6})_/.exec(name);
  return match ? tagGone(Number(match[1]), match[2]!) : false;
}

/**
 * The `application_name` of every connection a run opens, `migrate-check <tag>`: a later run
 * can tell the server sessions of a killed run, which go on running their last command.
 */
export function applicationName(): string {
  return `migrate-check ${ownerTag()}`;
}

/** Whether a session's `application_name` is that of a run of this machine whose process is gone. */
export function sessionOwnerGone(applicationName: string | null): boolean {
  const match = /^migrate-check p(\d+)h([0-9a-f]{6})$/.exec(applicationName ?? '');
  return match ? tagGone(Number(match[1]), match[2]!) : false;
}

export function ownerMark(): string {
  return PREFIX + JSON.stringify({ host: hostname(), pid: process.pid, started: new Date().toISOString() });
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
