import { posix } from 'node:path';
import type { Check, CheckResult } from './check.ts';

/** `YYYYMMDDHHMMSS` (14 digits starting 19 or 20): the timestamp versions most tools generate. */
const TIMESTAMP = /^(19|20)\d{12}$/;

/** The date a 14-digit version names, or null when it names none (month 13, 31 February …). */
export function timestampDate(version: string): Date | null {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) => Number(version.slice(i, i + (k === 0 ? 4 : 2))));
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  const same =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo! - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  return same ? date : null;
}

/**
 * Timestamp versions that are not dates, or that lie in the future (more than a day ahead, to
 * allow for time zones): a future version sorts after every migration written until then, so
 * the next real migration lands *before* it and never runs where it was deployed.
 */
export const timestamp: Check = {
  id: 'timestamp',
  defaultSeverity: 'warning',
  summary: 'A timestamp version that is not a valid date, or lies in the future.',
  run({ set }) {
    const tomorrow = Date.now() + 24 * 3600 * 1000;
    const out: CheckResult[] = [];
    for (const m of set.migrations) {
      if (!TIMESTAMP.test(m.version)) continue;
      const file = m.up?.file ?? m.down?.file ?? m.code ?? set.directory;
      const name = posix.relative(posix.join(set.directory), file) || file;
      const date = timestampDate(m.version);
      if (!date) {
        out.push({
          file,
          line: null,
          message: `Version ${m.version} of ${name} looks like a YYYYMMDDHHMMSS timestamp but is not a valid date.`,
          help:
            "Rename the migration with your tool's generator (e.g. `migrate create -ext sql -format " +
            '20060102150405`, `goose create`, `dbmate new`) so the version is the time it was written.',
        });
      } else if (date.getTime() > tomorrow) {
        out.push({
          file,
          line: null,
          message:
            `Version ${m.version} of ${name} lies in the future (${date.toISOString().slice(0, 10)}): ` +
            `every migration written before that date will sort before it, and where ` +
            `this one is deployed the runner will skip them or refuse them as out of order.`,
          help: "Rename the migration with today's timestamp, using your tool's generator.",
        });
      }
    }
    return out;
  },
};
