/**
 * One config for CLI flags, Action inputs and the config file, read from the settings table
 * (settings.ts): the config file's validation, and the one resolver both shells call, which
 * puts what the shell was given over the config file over the defaults.
 */
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configText, directoryKey, refuseUnknownKeys } from './config-file.ts';
import type { DatabaseKind } from './database/index.ts';
import { notPostgresUrl } from './database/url.ts';
import { ConfigError, errorMessage } from './errors.ts';
import {
  DEFAULTS,
  SETTING_LIST,
  SETTINGS,
  type Config,
  type DirectorySettings,
  type Setting,
  type ShellOptions,
} from './settings.ts';

export type { CheckSetting, Config, DirectorySettings, FailOn, ShellOptions } from './settings.ts';
export { DEFAULTS } from './settings.ts';

export const CONFIG_FILES = ['migrate-check.json', 'migrate-check.yml', 'migrate-check.yaml'];

const FILE_SETTINGS = SETTING_LIST.filter((s) => s.file);
const DIRECTORY_SETTINGS = FILE_SETTINGS.filter((s) => s.directory);
/** Keys the config file may hold at the top level, and in a `directories.<dir>` entry. */
const FILE_KEYS = [...FILE_SETTINGS.map((s) => s.name), 'directories'];
const DIRECTORY_KEYS = DIRECTORY_SETTINGS.map((s) => s.name);

/** Checks each setting of `settings` present in `raw` (keyed by name) into `Config` keys. */
function parseEach(raw: Record<string, unknown>, settings: readonly (Setting & { key: string })[], where: string) {
  const out: Record<string, unknown> = {};
  for (const s of settings) {
    if (raw[s.name] !== undefined) out[s.key] = s.kind.parse(raw[s.name], s.name, where, s.default);
  }
  return out;
}

/** Validates settings as the config file holds them (keyed by name) into a partial Config. */
export function parseSettings(raw: Record<string, unknown>, where: string): Partial<Config> {
  refuseUnknownKeys(raw, FILE_KEYS, where);
  const out = parseEach(raw, FILE_SETTINGS, where) as Partial<Config>;
  if (raw.directories !== undefined) {
    if (typeof raw.directories !== 'object' || raw.directories === null) {
      throw new ConfigError(`${where}: \`directories\` must map directory paths to settings.`);
    }
    out.directories = {};
    for (const [dir, settings] of Object.entries(raw.directories)) {
      const entryWhere = `${where} (directories.${dir})`;
      if (settings !== null && (typeof settings !== 'object' || Array.isArray(settings))) {
        throw new ConfigError(`${entryWhere}: must be a mapping of settings, e.g. { "format": "golang-migrate" }.`);
      }
      const entry = (settings ?? {}) as Record<string, unknown>;
      refuseUnknownKeys(entry, DIRECTORY_KEYS, entryWhere, FILE_KEYS);
      out.directories[directoryKey(dir)] = parseEach(entry, DIRECTORY_SETTINGS, entryWhere);
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
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError(`${name} must hold a mapping of settings (such as \`format: golang-migrate\`).`);
    }
    return parseSettings(raw as Record<string, unknown>, name);
  }
  return {};
}

/** What a shell needs the resolver to know about it. */
export interface Shell {
  /** Where given values come from, in messages: `command line`, `action inputs`. */
  where: string;
  /** How the shell names a setting to its user: `--fail-on`, the `fail-on` input. */
  spell(name: string): string;
  /** Said when no migration directory is given: how to give one in this shell. */
  noPath: string;
  cwd: string;
  /** The environment, for settings read from a variable (`env` in the table); the CLI's only. */
  env?: NodeJS.ProcessEnv;
  /** The server when neither a database nor a URL is set (the Action looks for Docker). */
  fallbackDatabase?(): Promise<DatabaseKind>;
  /**
   * Whether the cache folder outlives the run, which decides `base-cache` when it is unset (a
   * base state saved where it does not only costs time). Absent: it does.
   */
  keepsCache?(env: NodeJS.ProcessEnv): boolean;
}

/** What a shell was given (flags or inputs), checked: the run's settings and the shell's own options. */
export interface Given {
  settings: Partial<Config>;
  options: ShellOptions;
}

/** Checks what a shell was given (keyed by setting name; undefined is unset), setting by setting. */
export function givenSettings(raw: Record<string, unknown>, shell: Pick<Shell, 'where' | 'spell'>): Given {
  const settings: Record<string, unknown> = {};
  const options: Record<string, unknown> = {};
  for (const s of SETTING_LIST) {
    let value = raw[s.name];
    if (value === undefined) continue;
    if (s.kind.fromText && (typeof value === 'string' || Array.isArray(value))) {
      value = s.kind.fromText(value as string | string[], shell.spell(s.name));
    }
    (s.file ? settings : options)[s.key] = s.kind.parse(value, s.name, shell.where, s.default);
  }
  for (const s of SETTING_LIST) if (!s.file && options[s.key] === undefined) options[s.key] = s.default;
  return { settings: settings as Partial<Config>, options: options as ShellOptions };
}

/** Layers, lowest first: each set value replaces the one below, mappings combine key by key. */
function layered(base: Record<string, unknown>, layers: Record<string, unknown>[]): Record<string, unknown> {
  const out = { ...base };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const merge = (SETTINGS as Record<string, Setting>)[key]?.kind.merge;
      out[key] = merge ? { ...(out[key] as object), ...(value as object) } : value;
    }
  }
  return out;
}

/**
 * The run's config: what the shell was given over the config file (`--config`, or the one in the
 * working directory) over the environment (the CLI's DATABASE_URL) over the defaults.
 * NOTE: a config file's `database-url` names a server for migrate-check; DATABASE_URL is often
 * the application's own, so the file wins over it.
 */
export async function resolveConfig(given: Given, shell: Shell): Promise<Config> {
  const file = await readConfigFile(shell.cwd, given.options.config);
  const env: Record<string, unknown> = {};
  for (const s of FILE_SETTINGS) {
    const value = s.env && shell.env?.[s.env];
    if (value) env[s.key] = s.kind.parse(value, s.env!, 'the environment', s.default);
  }
  const layers: Record<string, unknown>[] = [env, file, given.settings];
  const config = layered(DEFAULTS, layers) as Config;
  if (!layers.some((l) => l.database !== undefined)) {
    config.database = config.databaseUrl ? 'url' : ((await shell.fallbackDatabase?.()) ?? DEFAULTS.database);
  }
  if (config.database === 'url') {
    if (!config.databaseUrl) {
      const orEnv = shell.env ? ` or set ${SETTINGS.databaseUrl.env}` : '';
      const pass = `pass ${shell.spell('database-url')} postgres://user@host/postgres${orEnv}`;
      throw new ConfigError(`\`database\` is url, which needs a server: ${pass}.`);
    }
    const from = given.settings.databaseUrl
      ? shell.spell('database-url').replace(/^the/, 'The')
      : file.databaseUrl
        ? 'The `database-url` of the config file'
        : SETTINGS.databaseUrl.env;
    const wrong = notPostgresUrl(config.databaseUrl, from);
    if (wrong) throw new ConfigError(wrong);
  }
  config.baseCache ??= shell.keepsCache?.(shell.env ?? {}) ?? true;
  if (!config.paths.length) throw new ConfigError(shell.noPath);
  return config;
}

/** The settings for the directory at `path`: its own (`directories.<path>`) over the run's. */
export function settingsFor(config: Config, path: string): DirectorySettings {
  const own = config.directories[directoryKey(path)] ?? {};
  const run: Record<string, unknown> = {};
  for (const s of SETTING_LIST) {
    const value = config[s.key as keyof Config];
    if (s.directory && value !== undefined) run[s.key] = value;
  }
  return layered(run, [own]) as DirectorySettings;
}
