/** The CLI's flags and `--help`, read from the settings table. */
import { parseArgs } from 'node:util';
import { checks } from './checks/index.ts';
import { nearestKey } from './config-file.ts';
import { ConfigError, errorMessage } from './errors.ts';
import { describe, flagName, SETTING_LIST, shownDefault, type Setting } from './settings.ts';

const FLAGS = SETTING_LIST.filter((s) => s.flag);
const short = (s: Setting) => (typeof s.flag === 'object' ? s.flag.short : undefined);

const OPTIONS = {
  ...Object.fromEntries(
    FLAGS.map((s) => {
      const type = s.kind.switch ? ('boolean' as const) : ('string' as const);
      const multiple = s.kind.repeatable ? { multiple: true } : {};
      return [flagName(s), { type, ...multiple, ...(short(s) ? { short: short(s) } : {}) }];
    }),
  ),
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Every flag as it may be written, for the nearest one to a mistyped flag. */
const SPELLINGS = [...Object.keys(OPTIONS), ...FLAGS.filter((s) => s.kind.switch).map((s) => `no-${flagName(s)}`)];

/** How the CLI names a setting in messages: `--fail-on`, `--setting` for `settings`. */
export function spell(name: string): string {
  const s = SETTING_LIST.find((x) => x.name === name);
  return `--${s ? flagName(s) : name}`;
}

export interface Args {
  /** The values given, keyed by setting name (the directories as `path`). */
  given: Record<string, unknown>;
  help: boolean;
  version: boolean;
}

export function parseArgv(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, allowNegative: true, options: OPTIONS });
  } catch (error) {
    // A mistyped long option is named with the option it most likely meant.
    const unknown = /^Unknown option '--([^']+)'/.exec(errorMessage(error))?.[1];
    const near = unknown === undefined ? null : nearestKey(unknown, SPELLINGS);
    const hint = 'Run migrate-check --help for the options.';
    if (near) throw new ConfigError(`Unknown option --${unknown}; did you mean --${near}? ${hint}`);
    throw new ConfigError(`${errorMessage(error)}. ${hint}`);
  }
  const values = parsed.values as Record<string, unknown>;
  const given: Record<string, unknown> = {};
  for (const s of FLAGS) if (values[flagName(s)] !== undefined) given[s.name] = values[flagName(s)];
  if (parsed.positionals.length) given.path = parsed.positionals;
  return { given, help: values.help === true, version: values.version === true };
}

/** How a flag is written in `--help`: `--format <name>`, `--no-observe`, `-q, --quiet`. */
function written(s: Setting): string {
  const name = flagName(s);
  const shortly = short(s) ? `-${short(s)}, ` : '';
  if (!s.kind.switch) return `${shortly}--${name} ${s.kind.arg ?? '<value>'}`;
  if (s.default === true) return `--no-${name}`;
  return s.default === false ? `${shortly}--${name}` : `--[no-]${name}`;
}

const WIDTH = 110;
const INDENT = 29;

/** `start` then `text`, wrapped at WIDTH columns, each further line indented by `indent`. */
function wrap(start: string, text: string, indent: number): string {
  const lines: string[] = [];
  let current = start;
  for (const word of text.split(' ')) {
    if (current.length + word.length + 1 > WIDTH && current.trim().length) {
      lines.push(current);
      current = ' '.repeat(indent - 1);
    }
    current += ` ${word}`;
  }
  return [...lines, current].join('\n');
}

/** `  --flag <arg>   text`, the text wrapped under itself. */
const line = (flag: string, text: string) => wrap(`  ${flag}`.padEnd(INDENT - 1), text, INDENT);

function defaultNote(s: Setting): string {
  if (s.kind.repeatable) return ' (repeatable)';
  // `--no-seed` says what seeding does: the flag turns it off.
  if (s.kind.switch)
    return s.byDefault
      ? ` (default ${s.byDefault})`
      : s.default === true
        ? ' (on by default; this flag turns it off)'
        : '';
  const shown = shownDefault(s);
  return shown ? ` (default ${shown})` : '';
}

function section(title: string, settings: readonly Setting[]): string[] {
  return ['', title, ...settings.map((s) => line(written(s), describe(s) + defaultNote(s)))];
}

const names = (settings: readonly { name: string }[]) => settings.map((s) => s.name).join(', ');

export function helpText(): string {
  const fileOnly = SETTING_LIST.filter((s) => s.file && !s.flag && !s.input);
  return [
    'migrate-check [dir...] — replay migrations up → down → up on a throwaway Postgres and check them',
    "migrate-check hash [dir...] — write each folder's migrate-check.sum (checksums of its migrations)",
    'migrate-check merge <report.json | folder>... — one report from the JSON reports of shards or majors',
    ...section(
      'Options (each may also be set in migrate-check.json / migrate-check.yml, same names):',
      FLAGS.filter((s) => s.file && !s.prelude),
    ),
    ...section(
      'The prelude (what your migrations expect to exist before the first one runs):',
      FLAGS.filter((s) => s.file && s.prelude),
    ),
    ...section(
      'The run itself:',
      FLAGS.filter((s) => !s.file),
    ),
    '  -h, --help, -v, --version',
    '',
    wrap('Only in the config file:', `${names(fileOnly)}.`, 3),
    wrap('Per directory (`directories: { <dir>: … }`):', `${names(SETTING_LIST.filter((s) => s.directory))}.`, 3),
    wrap('Checks:', names(checks.map((c) => ({ name: c.id }))), 3),
    'Exit codes: 0 passed, 1 findings at or above --fail-on, 2 migrate-check could not run.',
  ].join('\n');
}
