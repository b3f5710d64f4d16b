import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checks } from './checks/index.ts';
import { SEVERITIES, type Severity } from './checks/check.ts';
import { ConfigError, errorMessage } from './errors.ts';
import {
  configText, customSettings, didYouMean, directoryKey, kindOf, namingConventions, oneOf, parseTimeout,
  refuseOwnTimeouts, refuseUnknownKeys, text, textList,
} from './config-file.ts';
import { formats } from './formats/index.ts';
import type { Roundtrip } from './replay.ts';
import type { Ordering } from './formats/common.ts';
import type { CustomSettings } from './formats/format.ts';

export type FailOn = Severity | 'never';
export type CheckSetting = Severity | 'off';

/** Settings that may differ per migration directory. */
export interface DirectorySettings {
  format: string;
  roundtrip: Roundtrip;
  checks: Record<string, CheckSetting>;
  /** Literal text → replacement, applied to every file before it runs (templated migrations). */
  placeholders: Record<string, string>;
  /** SQL files run as superuser before the first migration (extensions, roles, schemas). */
  prerequisites: string[];
  /** The migrations' session `search_path`, as the runner's connection sets it. */
  searchPath?: string;
  /** Custom settings (GUCs) of the migrations' session, e.g. { "app.tenant": "x" }. */
  settings: Record<string, string>;
  /** Run migrations as this non-superuser role (created when missing). */
  role?: string;
  /** For `plain`: order by the leading number (default) or by the whole file name. */
  ordering?: Ordering;
  /** Opt-in naming conventions, checked on new migrations (all of them without a base). */
  namingConventions?: NamingConventions;
  /** For `plain`: a comment line that makes the runner send a file without a transaction. */
  noTransactionMarker?: string;
  custom?: CustomSettings;
}

/** One config for CLI flags, Action inputs and the config file; keys are spelled as the flags. */
export interface Config extends DirectorySettings {
  paths: string[];
  database: 'embedded' | 'url' | 'container';
  /** For `database: container`: the Postgres image (default postgres:17-alpine). */
  postgresImage?: string;
  databaseUrl?: string;
  postgresVersion: number;
  postgresBin?: string;
  output: 'text' | 'json' | 'markdown' | 'github';
  /** Also write the report in this format to `outputFile` (json or markdown, by extension). */
  outputFile?: string;
  failOn: FailOn;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  /** A git ref of the base branch: history checks and an incremental replay. */
  base?: string;
  /** With a base: roundtrip only new and modified migrations (`changed`) or all (`all`). */
  scope: 'changed' | 'all';
  /** Replay every directory, in the order given, in one database (default: one each). */
  sameDatabase: boolean;
  /** Per-directory overrides, keyed by the directory as written in `paths`. */
  directories: Record<string, Partial<DirectorySettings>>;
}

export const DEFAULTS: Omit<Config, 'paths'> = {
  format: 'auto',
  roundtrip: 'per-migration',
  checks: {},
  placeholders: {},
  prerequisites: [],
  settings: {},
  database: 'embedded',
  postgresVersion: 17,
  output: 'text',
  failOn: 'error',
  statementTimeoutMs: 5 * 60_000,
  lockTimeoutMs: 60_000,
  sameDatabase: false,
  scope: 'changed',
  directories: {},
};

/** Shortest `statement-timeout` accepted. */
export const MIN_STATEMENT_TIMEOUT_MS = 100;

export const CONFIG_FILES = ['migrate-check.json', 'migrate-check.yml', 'migrate-check.yaml'];

function checkSettings(value: unknown, where: string): Record<string, CheckSetting> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = `${where}: \`checks\` is ${kindOf(value)}`;
    throw new ConfigError(`${what}; it must map check ids to error, warning, notice or off.`);
  }
  const out: Record<string, CheckSetting> = {};
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

const FORMAT_IDS = () => ['auto', ...formats.map((f) => f.id)];
const ROUNDTRIPS: Roundtrip[] = ['per-migration', 'all', 'none'];

/** Keys a `directories.<dir>` entry may set. */
const DIRECTORY_KEYS = [
  'format', 'roundtrip', 'checks', 'placeholders', 'prerequisites', 'search-path', 'settings', 'role',
  'no-transaction-marker', 'naming-conventions', 'ordering', 'custom',
];

function directorySettings(raw: Record<string, unknown>, where: string): Partial<DirectorySettings> {
  const out: Partial<DirectorySettings> = {};
  if (raw.format !== undefined) out.format = oneOf(raw.format, FORMAT_IDS(), 'format', where);
  if (raw.roundtrip !== undefined) out.roundtrip = oneOf(raw.roundtrip, ROUNDTRIPS, 'roundtrip', where);
  if (raw.checks !== undefined) out.checks = checkSettings(raw.checks, where);
  if (raw.placeholders !== undefined) {
    if (typeof raw.placeholders !== 'object' || raw.placeholders === null || Object.values(raw.placeholders).some((v) => typeof v !== 'string')) {
      throw new ConfigError(`${where}: \`placeholders\` must map the literal text in your files to its replacement, e.g. { "\${schema}": "public" }.`);
    }
    out.placeholders = raw.placeholders as Record<string, string>;
  }
  if (raw.prerequisites !== undefined) {
    out.prerequisites = textList(raw.prerequisites, 'prerequisites', where, 'db/extensions.sql');
  }
  if (raw['search-path'] !== undefined) {
    const example = '"storage, public, extensions"';
    const value = textList(raw['search-path'], 'search-path', where, example).join(', ');
    if (!value.trim()) {
      throw new ConfigError(`${where}: \`search-path\` is empty; write the schemas in order, e.g. ${example}.`);
    }
    out.searchPath = value;
  }
  if (raw.settings !== undefined) {
    if (typeof raw.settings !== 'object' || raw.settings === null || Array.isArray(raw.settings)) {
      throw new ConfigError(`${where}: \`settings\` must map setting names to values, e.g. { "app.tenant_id": "test" }.`);
    }
    out.settings = Object.fromEntries(Object.entries(raw.settings).map(([k, v]) => [k, String(v)]));
    refuseOwnTimeouts(out.settings, where);
  }
  if (raw.role !== undefined) {
    const role = String(raw.role);
    if (!/^[A-Za-z_][\w$]{0,62}$/.test(role)) throw new ConfigError(`${where}: \`role\` ${JSON.stringify(role)} is not a plain role name (letters, digits, _ and $).`);
    out.role = role;
  }
  if (raw['no-transaction-marker'] !== undefined) {
    const marker = String(raw['no-transaction-marker']).trim();
    if (!marker.startsWith('--')) throw new ConfigError(`${where}: \`no-transaction-marker\` must be a SQL comment line, e.g. "-- postgres-migrations disable-transaction".`);
    out.noTransactionMarker = marker;
  }
  if (raw['naming-conventions'] !== undefined) out.namingConventions = namingConventions(raw['naming-conventions'], where);
  if (raw.ordering !== undefined) out.ordering = oneOf(raw.ordering, ['numeric', 'lexical'] as const, 'ordering', where);
  if (raw.custom !== undefined) out.custom = customSettings(raw.custom, where);
  return out;
}

/** Team conventions for migration names, each off unless set. */
export interface NamingConventions {
  snakeCase?: boolean;
  /** Names must start with one of these, e.g. add_, alter_, drop_, create_index_. */
  verbPrefix?: string[];
  /** Numeric versions must have exactly this many digits. */
  versionWidth?: number;
}

const KNOWN_KEYS = new Set([
  'path', 'format', 'roundtrip', 'checks', 'placeholders', 'database', 'database-url', 'postgres-image', 'postgres-version', 'postgres-bin', 'output', 'output-file', 'fail-on',
  'statement-timeout', 'lock-timeout', 'same-database', 'base', 'scope', 'directories', 'prerequisites', 'search-path', 'settings', 'role', 'ordering', 'no-transaction-marker', 'custom', 'naming-conventions',
]);

/** A Postgres major version, 14 to 18, written as a decimal number. */
function postgresVersion(value: unknown, where: string): number {
  const decimal = typeof value === 'number' || (typeof value === 'string' && /^\s*\d+\s*$/.test(value));
  const major = decimal ? Number(value) : NaN;
  if (Number.isInteger(major) && major >= 14 && major <= 18) return major;
  throw new ConfigError(
    `${where}: \`postgres-version\` is ${kindOf(value)}; it must be a Postgres major version from 14 to 18, e.g. 17.`,
  );
}

/** Validates settings from a config file or from flags (same keys) into a partial Config. */
export function parseSettings(raw: Record<string, unknown>, where: string): Partial<Config> {
  refuseUnknownKeys(raw, [...KNOWN_KEYS], where);
  const out: Partial<Config> = directorySettings(raw, where);
  if (raw.path !== undefined) out.paths = textList(raw.path, 'path', where, 'db/migrations');
  if (raw.database !== undefined) out.database = oneOf(raw.database, ['embedded', 'url', 'container'] as const, 'database', where);
  if (raw['postgres-image'] !== undefined) {
    out.postgresImage = text(raw['postgres-image'], 'postgres-image', where, 'postgis/postgis:17-3.5');
  }
  if (raw['database-url'] !== undefined) {
    out.databaseUrl = text(raw['database-url'], 'database-url', where, 'postgres://user@host:5432/postgres');
  }
  if (raw['postgres-version'] !== undefined) out.postgresVersion = postgresVersion(raw['postgres-version'], where);
  if (raw['postgres-bin'] !== undefined) {
    out.postgresBin = text(raw['postgres-bin'], 'postgres-bin', where, '/usr/lib/postgresql/17/bin');
  }
  if (raw.output !== undefined) out.output = oneOf(raw.output, ['text', 'json', 'markdown', 'github'] as const, 'output', where);
  if (raw['output-file'] !== undefined) out.outputFile = text(raw['output-file'], 'output-file', where, 'report.json');
  if (raw['fail-on'] !== undefined) out.failOn = oneOf(raw['fail-on'], [...SEVERITIES, 'never'] as const, 'fail-on', where);
  if (raw['statement-timeout'] !== undefined) {
    const given = raw['statement-timeout'];
    out.statementTimeoutMs = parseTimeout(given, 'statement-timeout', where, MIN_STATEMENT_TIMEOUT_MS, '5min');
  }
  if (raw['lock-timeout'] !== undefined) {
    out.lockTimeoutMs = parseTimeout(raw['lock-timeout'], 'lock-timeout', where, 1, '1min');
  }
  if (raw.base !== undefined) {
    const base = text(raw.base, 'base', where, 'origin/main');
    if (base.startsWith('-')) {
      const given = JSON.stringify(base);
      throw new ConfigError(`${where}: \`base\` ${given} must be a git ref or commit, e.g. origin/main.`);
    }
    out.base = base;
  }
  if (raw.scope !== undefined) out.scope = oneOf(raw.scope, ['changed', 'all'] as const, 'scope', where);
  if (raw['same-database'] !== undefined) {
    if (typeof raw['same-database'] !== 'boolean') throw new ConfigError(`${where}: \`same-database\` must be true or false.`);
    out.sameDatabase = raw['same-database'];
  }
  if (raw.directories !== undefined) {
    if (typeof raw.directories !== 'object' || raw.directories === null) throw new ConfigError(`${where}: \`directories\` must map directory paths to settings.`);
    out.directories = {};
    for (const [dir, settings] of Object.entries(raw.directories)) {
      const entryWhere = `${where} (directories.${dir})`;
      if (settings !== null && (typeof settings !== 'object' || Array.isArray(settings))) {
        throw new ConfigError(`${entryWhere}: must be a mapping of settings, e.g. { "format": "golang-migrate" }.`);
      }
      const entry = (settings ?? {}) as Record<string, unknown>;
      refuseUnknownKeys(entry, DIRECTORY_KEYS, entryWhere, [...KNOWN_KEYS]);
      out.directories[directoryKey(dir)] = directorySettings(entry, entryWhere);
    }
  }
  return out;
}

/**
 * Reads the config file named (relative to `cwd`, or absolute), or the first of CONFIG_FILES in
 * `cwd`; {} when there is none. An empty YAML file is an empty config, and so is `/dev/null` (a
 * way to ignore a config file in the folder); an empty JSON file is refused (`{}` is the empty
 * JSON config); other devices, FIFOs, folders and links to nothing are refused unread.
 */
export async function readConfigFile(cwd: string, named?: string): Promise<Partial<Config>> {
  const candidates = named ? [named] : CONFIG_FILES;
  for (const name of candidates) {
    const content = await configText(resolve(cwd, name), name, named !== undefined);
    if (content === null) continue;
    // NOTE: an empty YAML document is an empty config; JSON has no empty document, so an empty
    // .json file is refused as JSON.parse would, with the fix in words.
    if (!content.trim() && name.endsWith('.json')) {
      const fix = 'Write {} for a config with no settings, or remove it.';
      throw new ConfigError(`${name} is empty, which is not valid JSON. ${fix}`);
    }
    if (!content.trim()) return {};
    let raw: unknown;
    try {
      raw = name.endsWith('.json') ? JSON.parse(content) : parseYaml(content);
    } catch (error) {
      throw new ConfigError(`${name} is not valid ${name.endsWith('.json') ? 'JSON' : 'YAML'}: ${errorMessage(error)}`);
    }
    if (raw === null || raw === undefined) return {};
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${name} must hold a mapping of settings (such as \`format: golang-migrate\`).`);
    return parseSettings(raw as Record<string, unknown>, name);
  }
  return {};
}

/** Defaults < config file < flags; per-directory settings resolved for `path`. */
export function settingsFor(config: Config, path: string): DirectorySettings {
  const own = config.directories[directoryKey(path)] ?? {};
  return {
    format: own.format ?? config.format,
    roundtrip: own.roundtrip ?? config.roundtrip,
    checks: { ...config.checks, ...own.checks },
    placeholders: { ...config.placeholders, ...own.placeholders },
    prerequisites: own.prerequisites ?? config.prerequisites,
    settings: { ...config.settings, ...own.settings },
    ...defined('searchPath', own.searchPath ?? config.searchPath),
    ...defined('role', own.role ?? config.role),
    ...defined('ordering', own.ordering ?? config.ordering),
    ...defined('noTransactionMarker', own.noTransactionMarker ?? config.noTransactionMarker),
    ...defined('namingConventions', own.namingConventions ?? config.namingConventions),
    ...defined('custom', own.custom ?? config.custom),
  };
}

/** `{ key: value }` when the value is set, `{}` otherwise (exactOptionalPropertyTypes-friendly). */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
