/** Reading the config file and checking its keys and values, for config.ts. */
import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { ConfigError, errorMessage } from './errors.ts';
import type { CustomSettings } from './formats/format.ts';
import type { TransactionMode } from './migration.ts';

/** Edit distance (insertions, deletions, substitutions) between two short strings. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** The known key a mistyped one most likely meant (`fail_on`, `failOn`, `fial-on` → `fail-on`), or null. */
export function nearestKey(key: string, known: readonly string[]): string | null {
  const spelled = key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/[_\s]+/g, '-').toLowerCase();
  if (known.includes(spelled)) return spelled;
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(spelled.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(spelled, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/**
 * Refuses the first key of `raw` that is not in `known`, naming it, where it is, and the
 * nearest valid key. `elsewhere` are keys valid at another level (top-level settings inside a
 * `directories` entry), named as such.
 */
export function refuseUnknownKeys(
  raw: Record<string, unknown>,
  known: readonly string[],
  where: string,
  elsewhere: readonly string[] = [],
) {
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    if (elsewhere.includes(key)) {
      throw new ConfigError(
        `\`${key}\` cannot be set per directory (in ${where}); set it at the top level. ` +
          `Per directory: ${known.join(', ')}.`,
      );
    }
    const near = nearestKey(key, known);
    const guess = near ? `; did you mean \`${near}\`?` : '.';
    throw new ConfigError(`Unknown key \`${key}\` in ${where}${guess} Known keys: ${known.join(', ')}.`);
  }
}

/** A `directories` key or a path, spelled one way: `./db/`, `db/` and `db` are the same folder. */
export function directoryKey(path: string): string {
  return posix.normalize(path.replace(/\\/g, '/')).replace(/(.)\/+$/, '$1');
}

/** The config file's text; null when a file looked for by default is absent. */
export async function configText(path: string, name: string, named: boolean): Promise<string | null> {
  const what = named ? `Config file \`${name}\`` : `The config file ${name} in this folder`;
  const fix = named ? ' Check the --config path.' : ` Remove or rename it, or pass --config <file>.`;
  let kind: string | null = null;
  try {
    const st = await stat(path);
    if (path === '/dev/null') return '';
    if (st.isDirectory()) kind = 'a folder';
    else if (!st.isFile()) kind = st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device';
    else return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && !named) return null;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ConfigError(`Config file ${name} does not exist.${fix}`);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new ConfigError(`${what} cannot be read: permission denied. Make it readable by the user running it.`);
    }
    throw new ConfigError(`${what} cannot be read (${code ?? errorMessage(error)}).${fix}`);
  }
  throw new ConfigError(`${what} is ${kind}, not a file: settings are read from a JSON or YAML file.${fix}`);
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], key: string, where: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`${where}: \`${key}\` is ${JSON.stringify(value)}; it must be one of ${allowed.join(', ')}.`);
}

/** `250ms`, `30s`, `5min`, `5m`, `1h`, or a number of milliseconds. */
export function parseDuration(value: unknown, key: string, where: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$/.exec(String(value));
  if (!match) {
    const given = JSON.stringify(value);
    throw new ConfigError(`${where}: \`${key}\` is ${given}; write a duration such as 30s, 5min or 1h.`);
  }
  const unit = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
  return Math.round(Number(match[1]) * unit);
}

const MODES: TransactionMode[] = ['wrapped', 'implicit', 'none'];

export function customSettings(value: unknown, where: string): CustomSettings {
  if (typeof value !== 'object' || value === null) {
    throw new ConfigError(`${where}: \`custom\` must be a mapping with at least \`pattern\`.`);
  }
  const raw = value as Record<string, unknown>;
  refuseUnknownKeys(raw, ['pattern', 'ordering', 'transaction', 'split', 'bookkeeping'], `${where} (custom)`);
  if (typeof raw.pattern !== 'string') {
    throw new ConfigError(
      `${where}: \`custom.pattern\` is required: a regular expression with named groups version, name ` +
        'and optionally direction.',
    );
  }
  const ordering = ['numeric', 'lexical'] as const;
  return {
    pattern: raw.pattern,
    ordering: raw.ordering === undefined ? 'numeric' : oneOf(raw.ordering, ordering, 'custom.ordering', where),
    transaction: raw.transaction === undefined ? 'wrapped' : oneOf(raw.transaction, MODES, 'custom.transaction', where),
    split: raw.split === undefined ? 'file' : oneOf(raw.split, ['file', 'statements'] as const, 'custom.split', where),
    bookkeeping: raw.bookkeeping === undefined ? '' : String(raw.bookkeeping),
  };
}
