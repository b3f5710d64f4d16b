/** Reading the config file and checking its keys and structured values, for config.ts. */
import { readFile, readlink, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { ConfigError, errorMessage } from './errors.ts';
import type { CustomSettings } from './formats/format.ts';
import type { TransactionMode } from './migration.ts';
import { SEVERITIES, type Severity } from './checks/check.ts';
import { checks } from './checks/index.ts';
import { VERB_PREFIXES, type NamingConventions } from './checks/naming.ts';
import { kindOf, oneOf, textList, type ValueKind } from './setting-values.ts';

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
  const spelled = key
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
  if (known.includes(spelled)) return spelled;
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(spelled.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(spelled, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** The end of an unknown-name message: `; did you mean `x`?`, or `.` when no known name is near. */
export function didYouMean(key: string, known: readonly string[], shown = (k: string) => `\`${k}\``): string {
  const near = nearestKey(key, known);
  return near ? `; did you mean ${shown(near)}?` : '.';
}

/**
 * Refuses the first key of `raw` that is not in `known`, naming it (as `prefix` + key), where it
 * is, and the nearest valid key. `elsewhere` are keys valid at another level (top-level settings
 * inside a `directories` entry), named as such.
 */
export function refuseUnknownKeys(
  raw: Record<string, unknown>,
  known: readonly string[],
  where: string,
  elsewhere: readonly string[] = [],
  prefix = '',
) {
  for (const key of Object.keys(raw)) {
    if (known.includes(key)) continue;
    if (elsewhere.includes(key)) {
      throw new ConfigError(
        `\`${key}\` cannot be set per directory, in ${where}: did you mean the top level, outside \`directories\`? ` +
          `Per directory: ${known.join(', ')}.`,
      );
    }
    const guess = didYouMean(key, known, (k) => `\`${prefix}${k}\``);
    throw new ConfigError(`Unknown key \`${prefix}${key}\` in ${where}${guess} Known keys: ${known.join(', ')}.`);
  }
}

/** A `directories` key or a path, spelled one way: `./db/`, `db/` and `db` are the same folder. */
export function directoryKey(path: string): string {
  return posix.normalize(path.replace(/\\/g, '/')).replace(/(.)\/+$/, '$1');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The config file's text; null when a file looked for by default is absent. */
export async function configText(path: string, name: string, named: boolean): Promise<string | null> {
  const what = named ? `Config file \`${name}\`` : `The config file ${name} in this folder`;
  const fix = named ? ' Check the --config path.' : ` Remove or rename it, or pass --config <file>.`;
  let kind: string | null = null;
  let bytes: Buffer;
  try {
    const st = await stat(path);
    if (path === '/dev/null') return '';
    if (st.isDirectory()) kind = 'a folder';
    else if (!st.isFile()) kind = st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device';
    if (kind) {
      throw new ConfigError(`${what} is ${kind}, not a file: settings are read from a JSON or YAML file.${fix}`);
    }
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      // A link whose target is gone is a file someone meant to be read, not an absent one.
      const target = await readlink(path).catch(() => null);
      if (target !== null) {
        throw new ConfigError(`${what} is a symbolic link to \`${target}\`, which does not exist.${fix}`);
      }
      if (!named) return null;
      throw new ConfigError(`Config file ${name} does not exist.${fix}`);
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new ConfigError(`${what} cannot be read: permission denied. Make it readable by the user running it.`);
    }
    throw new ConfigError(`${what} cannot be read (${code ?? errorMessage(error)}).${fix}`);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    const lossy = bytes.toString('utf8');
    const line = lossy.slice(0, lossy.indexOf('\uFFFD')).split('\n').length;
    throw new ConfigError(`${what} is not valid UTF-8 (line ${line}). Save it with UTF-8 encoding.`);
  }
}

const MODES: TransactionMode[] = ['wrapped', 'implicit', 'none'];

export function customSettings(value: unknown, where: string): CustomSettings {
  if (typeof value !== 'object' || value === null) {
    throw new ConfigError(`${where}: \`custom\` must be a mapping with at least \`pattern\`.`);
  }
  const raw = value as Record<string, unknown>;
  refuseUnknownKeys(
    raw,
    [
      'pattern',
      'ordering',
      'transaction',
      'split',
      'bookkeeping',
      'ignore',
      'no-transaction-name',
      'no-transaction-first-line',
      'prefer',
    ],
    where,
    [],
    'custom.',
  );
  const strings = (key: string): string[] | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.some((x) => typeof x !== 'string')) {
      throw new ConfigError(`${where}: \`custom.${key}\` must be a list of strings.`);
    }
    return list as string[];
  };
  const text = (key: string): string | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !v) throw new ConfigError(`${where}: \`custom.${key}\` must be a non-empty string.`);
    return v;
  };
  const ignore = strings('ignore');
  const prefer = strings('prefer');
  const noTransactionName = text('no-transaction-name');
  const noTransactionFirstLine = text('no-transaction-first-line');
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
    ...(ignore ? { ignore } : {}),
    ...(prefer ? { prefer } : {}),
    ...(noTransactionName ? { noTransactionName } : {}),
    ...(noTransactionFirstLine ? { noTransactionFirstLine } : {}),
  };
}

/**
 * The session's `statement_timeout` and `lock_timeout` are the tool's own limits (a migration
 * that runs or waits too long is reported): they are set only through their own settings.
 */
const OWN_TIMEOUTS: Record<string, [setting: string, example: string]> = {
  statement_timeout: ['statement-timeout', '5min'],
  lock_timeout: ['lock-timeout', '1min'],
};

export function refuseOwnTimeouts(settings: Record<string, string>, where: string) {
  for (const name of Object.keys(settings)) {
    const own = OWN_TIMEOUTS[name.toLowerCase()];
    if (!own) continue;
    throw new ConfigError(
      `${where}: the setting \`${name}\` is migrate-check's own ${own[0].replace('-', ' ')}; ` +
        `set it with \`${own[0]}\` (--${own[0]}) instead, e.g. --${own[0]} ${own[1]}.`,
    );
  }
}

/** `naming-conventions`: each key and value checked, an unknown key named with the nearest known one. */
export function namingConventions(value: unknown, where: string): NamingConventions {
  const example = '"snake-case": true, "verb-prefix": true or a list such as ["add_", "drop_"], "version-width": 4';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(
      `${where}: \`naming-conventions\` is ${kindOf(value)}; it must be a mapping, e.g. { ${example} }.`,
    );
  }
  const raw = value as Record<string, unknown>;
  refuseUnknownKeys(raw, ['snake-case', 'verb-prefix', 'version-width'], where, [], 'naming-conventions.');
  const out: NamingConventions = {};
  for (const [key, v] of Object.entries(raw)) {
    if (key === 'snake-case' && typeof v === 'boolean') out.snakeCase = v;
    else if (key === 'verb-prefix' && v === true) out.verbPrefix = [...VERB_PREFIXES];
    else if (key === 'verb-prefix' && Array.isArray(v) && v.length && v.every((p) => typeof p === 'string' && p)) {
      out.verbPrefix = v as string[];
    } else if (key === 'version-width' && Number.isInteger(v) && (v as number) > 0) out.versionWidth = v as number;
    else throw new ConfigError(`${where}: \`naming-conventions.${key}\` is ${JSON.stringify(v)}; use ${example}.`);
  }
  return out;
}

/** `checks`: check ids (with the nearest one for a typo) to error, warning, notice or off. */
export function checkSettings(value: unknown, where: string): Record<string, Severity | 'off'> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = `${where}: \`checks\` is ${kindOf(value)}`;
    throw new ConfigError(`${what}; it must map check ids to error, warning, notice or off.`);
  }
  const out: Record<string, Severity | 'off'> = {};
  const ids: readonly string[] = checks.map((c) => c.id);
  for (const [id, setting] of Object.entries(value)) {
    if (!ids.includes(id)) {
      throw new ConfigError(
        `${where}: unknown check \`${id}\` under \`checks\`${didYouMean(id, ids)} Known checks: ${ids.join(', ')}.`,
      );
    }
    out[id] = oneOf(setting, [...SEVERITIES, 'off'], `checks.${id}`, where);
  }
  return out;
}

/** `placeholders`: the literal text in the files → its replacement. */
export function placeholders(value: unknown, _key: string, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Object.values(value).some((v) => typeof v !== 'string')) {
    const what = 'must map the literal text in your files to its replacement, e.g. { "${schema}": "public" }';
    throw new ConfigError(`${where}: \`placeholders\` ${what}.`);
  }
  return value as Record<string, string>;
}

/** `settings`: custom settings (GUCs) of the migrations' session, never the tool's own timeouts. */
export function sessionSettings(value: unknown, _key: string, where: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const example = '{ "app.tenant_id": "test" }';
    throw new ConfigError(`${where}: \`settings\` must map setting names to values, e.g. ${example}.`);
  }
  const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  refuseOwnTimeouts(out, where);
  return out;
}

/** `base`: a ref, never something git would read as an option. */
export const gitRef = (value: string, where: string) => {
  if (value.startsWith('-')) {
    throw new ConfigError(`${where}: \`base\` ${JSON.stringify(value)} must be a git ref or commit, e.g. origin/main.`);
  }
};

/** `role`: a plain role name (it is written into SET SESSION AUTHORIZATION, quoted). */
export const roleName = (role: string, where: string) => {
  if (!/^[A-Za-z_][\w$]{0,62}$/.test(role)) {
    const what = 'is not a plain role name (letters, digits, _ and $)';
    throw new ConfigError(`${where}: \`role\` ${JSON.stringify(role)} ${what}.`);
  }
};

/** `search-path`: schemas in order, as a list or one text. */
export const searchPath: ValueKind<string> = {
  arg: '<schemas>',
  parse(value, key, where) {
    const example = '"storage, public, extensions"';
    const joined = textList(value, key, where, example).join(', ');
    if (!joined.trim()) {
      throw new ConfigError(`${where}: \`${key}\` is empty; write the schemas in order, e.g. ${example}.`);
    }
    return joined;
  },
};

/** `no-transaction-marker`: a SQL comment line. */
export const marker: ValueKind<string> = {
  parse(value, key, where) {
    const line = String(value).trim();
    if (line.startsWith('--')) return line;
    const example = '"-- postgres-migrations disable-transaction"';
    throw new ConfigError(`${where}: \`${key}\` must be a SQL comment line, e.g. ${example}.`);
  },
};
