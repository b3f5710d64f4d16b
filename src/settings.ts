/**
 * Every setting, declared once: its name (the config key, the CLI flag and the Action input all
 * spell it so), what its value may be, its default, where it may be set and a one-line doc. The
 * CLI's flags and `--help`, the Action's inputs (and action.yml, see scripts/action-yml.ts), the
 * config file's validation and the Config type are all read from this table.
 *
 * To add a setting: add its entry below and use it (`config.<key>` where it changes something);
 * for an Action input, run `node scripts/action-yml.ts` (src/settings.test.ts fails until then).
 * - `kind`: what the value may be (setting-values.ts: choice, single, list, integer, duration,
 *   onOff, mapping, structured), which also decides how its flag is written and read.
 * - `flag`: a CLI flag (`name`: when the flag is spelled otherwise, e.g. `--setting` for `settings`;
 *   `short`: a one-letter alias). A switch (boolean) also takes `--no-<name>`.
 * - `input`: an Action input (`required`; `default`: what action.yml shows, when the runner fills it;
 *   `byDefault`: what happens when it is unset, where the Action differs from the CLI).
 * - `file`: a config file key, which makes it part of `Config`; `directory`: per directory too.
 * - `default`: absent means unset (optional in `Config`); `byDefault` says in words what happens then.
 * - `env`: an environment variable the CLI reads, below the config file and the flags.
 * - `prelude`: listed in `--help` with what the migrations expect before the first one runs.
 * Inputs never default to anything but '' for config-file settings: the config file decides what
 * the workflow leaves unset.
 */
import { SEVERITIES, type Severity } from './checks/check.ts';
import type { NamingConventions } from './checks/naming.ts';
import {
  checkSettings,
  customSettings,
  gitRef,
  marker,
  namingConventions,
  placeholders,
  roleName,
  searchPath,
  sessionSettings,
} from './config-file.ts';
import type { Ordering } from './formats/common.ts';
import type { CustomSettings } from './formats/format.ts';
import { formats } from './formats/index.ts';
import type { Roundtrip } from './replay.ts';
import { shardValue } from './pipeline/shard.ts';
import {
  choice,
  duration,
  integer,
  list,
  majors,
  mapping,
  onOff,
  single,
  structured,
  type ValueKind,
} from './setting-values.ts';

export type FailOn = Severity | 'never';
export type CheckSetting = Severity | 'off';

export interface Setting<T = unknown> {
  readonly name: string;
  readonly doc: string;
  readonly kind: ValueKind<T>;
  readonly default?: T;
  readonly byDefault?: string;
  readonly flag?: true | { readonly name?: string; readonly short?: string };
  readonly input?: true | { readonly required?: true; readonly default?: string; readonly byDefault?: string };
  readonly file?: true;
  readonly directory?: true;
  readonly env?: string;
  readonly prelude?: true;
}

const shared = { flag: true, input: true, file: true } as const;
const everywhere = { ...shared, directory: true } as const;
const inFiles = { file: true, directory: true } as const;
const prelude = { ...inFiles, prelude: true } as const;

/** The table. Keys are the `Config` properties; the order is the order of `--help` and action.yml. */
export const SETTINGS = {
  paths: {
    name: 'path',
    kind: list('db/migrations', '<dir>'),
    default: [] as string[],
    input: { required: true },
    file: true,
    doc: 'Migration directory, relative to the repository root (several: one per line; on the CLI, the arguments).',
  },
  format: {
    name: 'format',
    kind: choice(() => ['auto', ...formats.map((f) => f.id)], '<name>'),
    default: 'auto',
    ...everywhere,
    doc: 'The tool whose rules the files follow; auto detects it, and never guesses between two.',
  },
  roundtrip: {
    name: 'roundtrip',
    kind: choice<Roundtrip>(['per-migration', 'all', 'none'], '<mode>'),
    default: 'per-migration',
    ...everywhere,
    doc: 'Each new migration up → down → up, or every up then every down then every up, or ups only.',
  },
  database: {
    name: 'database',
    kind: choice(['embedded', 'url', 'container'] as const, '<kind>'),
    default: 'embedded',
    ...shared,
    byDefault: 'url with --database-url or DATABASE_URL, else embedded',
    input: {
      byDefault: 'from the config file, else url with database-url, else container when Docker answers, else embedded',
    },
    doc: 'An embedded Postgres (no Docker), your server, or a throwaway container.',
  },
  postgresImage: {
    name: 'postgres-image',
    kind: single('postgis/postgis:17-3.5', '<image>'),
    byDefault: 'postgres:<major>-alpine',
    ...shared,
    doc: 'The image of the throwaway container (postgis/postgis, your own); {major} stands for postgres-version.',
  },
  databaseUrl: {
    name: 'database-url',
    kind: single('postgres://user@host:5432/postgres', '<url>'),
    env: 'DATABASE_URL',
    ...shared,
    doc: 'Your own server (e.g. a `services:` Postgres): the run uses scratch databases it creates and drops.',
  },
  postgresVersion: {
    name: 'postgres-version',
    kind: majors(14, 18, 17),
    default: [17] as number[],
    ...shared,
    doc: 'The Postgres major version, 14 to 18; a list (15,16,17) checks every directory on each, side by side.',
  },
  postgresBin: {
    name: 'postgres-bin',
    kind: single('/usr/lib/postgresql/17/bin', '<dir>'),
    flag: true,
    file: true,
    doc: 'Your own Postgres binaries for the embedded server: the folder with initdb and postgres.',
  },
  output: {
    name: 'output',
    kind: choice(['text', 'json', 'markdown', 'github', 'sarif', 'gitlab', 'junit'] as const, '<format>'),
    default: 'text',
    flag: true,
    file: true,
    doc:
      'markdown is the PR comment; github is text, annotations and the job summary; ' +
      'sarif, gitlab, junit: other tools.',
  },
  outputFile: {
    name: 'output-file',
    kind: single('report.json', '<path>'),
    flag: true,
    file: true,
    doc: 'Also write the report there: .json → JSON, .md → markdown.',
  },
  sarifFile: {
    name: 'sarif-file',
    kind: single('migrate-check.sarif', '<path>'),
    ...shared,
    doc: 'Also write the findings there as SARIF 2.1.0, for GitHub code scanning (upload-sarif).',
  },
  gitlabFile: {
    name: 'gitlab-file',
    kind: single('gl-code-quality-report.json', '<path>'),
    ...shared,
    doc: 'Also write the findings there as a GitLab Code Quality report (artifacts:reports:codequality).',
  },
  junitFile: {
    name: 'junit-file',
    kind: single('migrate-check.junit.xml', '<path>'),
    ...shared,
    doc: 'Also write the steps and the checks there as JUnit XML, for CI test reports (artifacts:reports:junit).',
  },
  failOn: {
    name: 'fail-on',
    kind: choice<FailOn>([...SEVERITIES, 'never'], '<severity>'),
    default: 'error',
    ...shared,
    doc: 'The lowest severity that fails the check.',
  },
  statementTimeoutMs: {
    name: 'statement-timeout',
    kind: duration(100),
    default: 5 * 60_000,
    flag: true,
    file: true,
    doc: "How long one statement may run, e.g. 30s, 5min (at least 100ms), even if it turns Postgres' own limit off.",
  },
  lockTimeoutMs: {
    name: 'lock-timeout',
    kind: duration(1),
    default: 60_000,
    flag: true,
    file: true,
    doc: 'How long one statement may wait for a lock.',
  },
  observe: {
    name: 'observe',
    kind: onOff,
    default: true,
    ...everywhere,
    doc: 'Observe the locks, rewrites, scans and time of every statement of the migrations that get a roundtrip.',
  },
  tableSizes: {
    name: 'table-sizes',
    kind: single('table-sizes.json', '<file>'),
    ...everywhere,
    doc:
      'A JSON file of production row counts per table ({"public.users": 40000000}): lock times are ' +
      'projected to them.',
  },
  maxLockMs: {
    name: 'max-lock-ms',
    kind: integer('a number of milliseconds', 1, 86_400_000, 2000, '<ms>'),
    ...everywhere,
    doc: 'A blocking lock held (or projected to be held) longer than this is an error instead of a warning.',
  },
  seed: {
    name: 'seed',
    kind: onOff,
    default: true,
    ...everywhere,
    doc: 'Fill the existing tables a checked migration touches with generated rows before it runs.',
  },
  seedRows: {
    name: 'seed-rows',
    kind: integer('a number of rows', 1, 1_000_000, 1000, '<n>'),
    default: 1000,
    ...everywhere,
    doc: 'Rows generated per table.',
  },
  seedFiles: {
    name: 'seed-files',
    kind: single('db/seeds', '<dir>'),
    ...everywhere,
    doc: 'A folder of SQL seed files (<version>.sql runs after that migration) whose rows replace the generated ones.',
  },
  base: {
    name: 'base',
    kind: single('origin/main', '<git-ref>', gitRef),
    ...shared,
    input: { byDefault: "the pull request's base commit, or the merge group's; on push, from the config file" },
    doc: 'The base branch (a git ref or commit): history checks, and only new and edited migrations roundtrip.',
  },
  scope: {
    name: 'scope',
    kind: choice(['changed', 'all'] as const, '<scope>'),
    default: 'changed',
    ...shared,
    doc: 'With a base, roundtrip only new and edited migrations (changed) or all of them.',
  },
  shard: {
    name: 'shard',
    kind: shardValue,
    ...shared,
    doc: 'Check only part k of n of the work (2/4), one job each in a matrix; `migrate-check merge` joins the reports.',
  },
  sameDatabase: {
    name: 'same-database',
    kind: onOff,
    default: false,
    flag: true,
    file: true,
    doc: "Replay every directory, in the order given, in one database (an app beside a library's migrations).",
  },
  jobs: {
    name: 'jobs',
    kind: integer('a number of directories', 1, 64, 2, '<n>'),
    ...shared,
    byDefault: "the machine's cores, at most 4, for directories of 50 migrations or more, 200 in containers",
    doc:
      'How many directories, or ranges of one long directory, replay at once, each in a database of its own; ' +
      '1: one at a time.',
  },
  baseCache: {
    name: 'base-cache',
    kind: onOff,
    ...shared,
    byDefault:
      'on, on the embedded and container servers; off where CI is set, whose runners rarely keep the cache folder',
    input: { byDefault: "off; on, a container's base states are kept in the runner's cache" },
    doc: "Keep the merged migrations' state for the next checks with --base (given without --base: every migration's).",
  },
  checks: {
    name: 'checks',
    kind: structured<Record<string, CheckSetting>>(checkSettings, true),
    default: {},
    ...inFiles,
    doc: 'Severity per check id: error, warning, notice or off.',
  },
  prerequisites: {
    name: 'prerequisites',
    kind: list('db/extensions.sql', '<file>'),
    default: [] as string[],
    flag: true,
    ...prelude,
    doc: 'SQL files run as superuser before the first migration (extensions, roles, schemas).',
  },
  placeholders: {
    name: 'placeholders',
    kind: mapping('<tok=value>', placeholders),
    default: {},
    flag: { name: 'placeholder' },
    ...prelude,
    doc: "Literal text replaced in every file before it runs, e.g. '${schema}=public'.",
  },
  searchPath: {
    name: 'search-path',
    kind: searchPath,
    flag: true,
    ...prelude,
    doc: 'The search_path of the migrations\' session, e.g. "app, public".',
  },
  settings: {
    name: 'settings',
    kind: mapping('<name=value>', sessionSettings),
    default: {},
    flag: { name: 'setting' },
    ...prelude,
    doc: "A setting of the migrations' session, e.g. app.tenant=test.",
  },
  role: {
    name: 'role',
    kind: single('app_migrator', '<name>', roleName),
    flag: true,
    ...prelude,
    doc: 'Run the migrations as this non-superuser role (created when missing).',
  },
  ordering: {
    name: 'ordering',
    kind: choice<Ordering>(['numeric', 'lexical'], '<order>'),
    ...inFiles,
    doc: 'For plain: order by the leading number (numeric, the default) or by the whole file name.',
  },
  noTransactionMarker: {
    name: 'no-transaction-marker',
    kind: marker,
    ...inFiles,
    doc: 'For plain: a comment line that makes the runner send a file without a transaction.',
  },
  namingConventions: {
    name: 'naming-conventions',
    kind: structured<NamingConventions>(namingConventions),
    ...inFiles,
    doc: 'Opt-in conventions for new migration names: snake-case, verb-prefix, version-width.',
  },
  custom: {
    name: 'custom',
    kind: structured<CustomSettings>(customSettings),
    ...inFiles,
    doc: 'For format custom: the file name pattern, ordering, transaction and split rules.',
  },

  // The shells' own options: how they run, not what is checked (no config file key, not in `Config`).
  config: {
    name: 'config',
    kind: single('migrate-check.yml', '<file>'),
    byDefault: 'migrate-check.json, .yml or .yaml in the working directory',
    flag: true,
    input: true,
    doc: 'The config file.',
  },
  color: {
    name: 'color',
    kind: onOff,
    byDefault: 'on a terminal, unless NO_COLOR is set',
    flag: true,
    doc: 'Colour the text output.',
  },
  quiet: {
    name: 'quiet',
    kind: onOff,
    default: false,
    flag: { short: 'q' },
    doc: 'Only the findings and the verdict: no progress, no summary.',
  },
  comment: {
    name: 'comment',
    kind: onOff,
    default: true,
    input: true,
    doc: 'Post the sticky pull request comment (true) or not (false).',
  },
  reviewComments: {
    name: 'review-comments',
    kind: onOff,
    default: false,
    input: true,
    doc: 'Also put each generated fix on the down file as a review comment with a suggestion (true) or not (false).',
  },
  githubToken: {
    name: 'github-token',
    kind: single('${{ github.token }}', '<token>'),
    input: { default: '${{ github.token }}' },
    doc: 'Token to post the comment with (needs pull-requests: write).',
  },
  mode: {
    name: 'mode',
    kind: choice(['check', 'comment'] as const, '<mode>'),
    default: 'check',
    input: true,
    doc: 'check runs the checks; comment posts the comment from `report`, in a workflow_run workflow for fork PRs.',
  },
  report: {
    name: 'report',
    kind: single('migrate-check-report.json', '<path>'),
    input: true,
    doc: "For mode comment: the migrate-check-report.json artifact, or a folder of the jobs' reports to merge.",
  },
} as const satisfies Record<string, Setting<any>>;

type Table = typeof SETTINGS;
type Key = keyof Table;
type ValueOf<K extends Key> = Table[K]['kind'] extends ValueKind<infer T> ? T : never;
type Where<W> = { [K in Key]: Table[K] extends W ? K : never }[Key];
type WrongDefault = {
  [K in Key]: Table[K] extends { default: infer D } ? (D extends ValueOf<K> ? never : K) : never;
}[Key];
// A default that its kind would refuse fails the type check here, naming the setting.
true satisfies [WrongDefault] extends [never] ? true : `the default of ${WrongDefault} is not a value of its kind`;
type Values<Keys extends Key> = { [K in Keys & Where<{ default: unknown }>]: ValueOf<K> } & {
  [K in Exclude<Keys, Where<{ default: unknown }>>]?: ValueOf<K>;
};

/** The settings that may differ per migration directory. */
export type DirectorySettings = Values<Where<{ directory: true }>>;
/** One config for CLI flags, Action inputs and the config file. */
export type Config = Values<Where<{ file: true }>> & {
  /** Per-directory settings, keyed by the directory as written in `paths`. */
  directories: Record<string, Partial<DirectorySettings>>;
};
/** The shells' own options (config file path, colour, the PR comment …). */
export type ShellOptions = Values<Exclude<Key, Where<{ file: true }>>>;

/** The table as a list, each entry with its `Config` (or `ShellOptions`) key. */
export const SETTING_LIST: readonly (Setting & { key: string })[] = Object.entries(SETTINGS).map(([key, s]) => ({
  ...(s as Setting),
  key,
}));

export const DEFAULTS: Config = {
  ...Object.fromEntries(SETTING_LIST.filter((s) => s.file && s.default !== undefined).map((s) => [s.key, s.default])),
  directories: {},
} as Config;

/** The name a flag is spelled with: `--setting` for `settings`. */
export const flagName = (s: Setting): string => (typeof s.flag === 'object' && s.flag.name) || s.name;

/** The default as `--help` writes it, or null when there is none to show. */
export function shownDefault(s: Setting): string | null {
  if (s.byDefault) return s.byDefault;
  if (s.default === undefined) return null;
  if (typeof s.default === 'object' && !s.kind.show) return null;
  const shown = s.kind.show ? s.kind.show(s.default) : String(s.default);
  return shown === '' ? null : shown;
}

/** The doc as a phrase after the values a choice takes, as `--help` shows it (action.yml capitalises it). */
export function describe(s: Setting): string {
  const doc = s.doc.replace(/\.$/, '');
  const lowered = /^[A-Z](?![A-Z])/.test(doc) ? doc[0]!.toLowerCase() + doc.slice(1) : doc;
  const choices = s.kind.choices?.();
  return choices ? `${choices.join(' | ')}: ${lowered}` : lowered;
}
