import { parseArgs } from 'node:util';
import { DEFAULTS, parseSettings, readConfigFile, settingsFor, type Config } from './config.ts';
import { nearestKey } from './config-file.ts';
import { notPostgresUrl } from './database/url.ts';
import { isInterrupted } from './database/lifetime.ts';
import { ConfigError, ToolError, errorMessage } from './errors.ts';
import { fsDirectory } from './formats/directory.ts';
import { formats } from './formats/index.ts';
import { checks } from './checks/index.ts';
import { renderJson } from './report/json.ts';
import { fileLinks, renderMarkdown, SUMMARY_LIMIT } from './report/markdown.ts';
import { renderAnnotations } from './report/annotations.ts';
import { renderTerminal } from './report/terminal.ts';
import { formatFor, run } from './run.ts';
import { renderSum, SUM_FILE, sumEntries } from './history/sum.ts';
import { posix, resolve } from 'node:path';
import { localIO } from './io.ts';
import type { Step } from './replay.ts';
import type { Report } from './report/report.ts';
import type { Server } from './database/database.ts';
import { onDefaultBranch } from './history/git.ts';
import { checkWritable, describeSystemError, writeReport } from './cli-errors.ts';
import { visible, visibleLines } from './report/visible.ts';
import { neutraliseCommands, neutraliseJson } from './report/workflow-commands.ts';

export const VERSION = '0.1.0';

const HELP = `migrate-check [dir...] — replay migrations up → down → up on a throwaway Postgres and check them
migrate-check hash [dir...] — write each folder's migrate-check.sum (checksums of its migrations)

Options (each may also be set in migrate-check.json / migrate-check.yml, same names):
  --format <name>            ${['auto', ...formats.map((f) => f.id)].join(' | ')} (default auto)
  --database <kind>          embedded | url | container (default: url when --database-url or DATABASE_URL is set)
  --postgres-image <image>   for --database container: e.g. postgis/postgis:17-3.5 (default postgres:17-alpine)
  --database-url <url>       a server of yours; migrate-check works in a scratch database it creates and drops
  --postgres-version <major> embedded Postgres 14–18 (default 17)
  --postgres-bin <dir>       use your own Postgres binaries (the folder with initdb and postgres)
  --roundtrip <mode>         per-migration | all | none (default per-migration)
  --output <format>          text | json | markdown (the PR comment) | github (annotations + job summary) (default text)
  --output-file <path>       also write the report there: .json → JSON, .md → markdown
  --fail-on <severity>       error | warning | notice | never (default error)
  --statement-timeout <d>    per statement, e.g. 30s, 5min (default 5min)
  --lock-timeout <d>         per lock wait (default 1min)
  --config <file>            config file (default: migrate-check.json/.yml in this folder)
  --base <git-ref>           compare with the base branch: history checks, and roundtrip only new and edited migrations
  --scope <changed|all>      with --base: roundtrip only new and edited migrations (default) or all

The prelude (what your migrations expect to exist before the first one runs):
  --prerequisites <file>     SQL run as superuser before the first migration (repeatable)
  --placeholder <tok=value>  replace literal text in every file, e.g. '\${schema}=public' (repeatable)
  --search-path <schemas>    the migrations' search_path, e.g. "app, public"
  --setting <name=value>     a setting of the migrations' session, e.g. app.tenant=test (repeatable)
  --role <name>              run migrations as this non-superuser role (created when missing)
  --same-database            replay all directories, in order, in one database (an app beside a library's migrations)
  --no-color, --quiet, --help, --version

Checks: ${checks.map((c) => c.id).join(', ')}
Exit codes: 0 passed, 1 findings at or above --fail-on, 2 migrate-check could not run.`;

export interface Streams {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

const OPTIONS = {
  format: { type: 'string' },
  database: { type: 'string' },
  'database-url': { type: 'string' },
  'postgres-image': { type: 'string' },
  'postgres-version': { type: 'string' },
  'postgres-bin': { type: 'string' },
  roundtrip: { type: 'string' },
  output: { type: 'string' },
  'output-file': { type: 'string' },
  'fail-on': { type: 'string' },
  'statement-timeout': { type: 'string' },
  'lock-timeout': { type: 'string' },
  config: { type: 'string' },
  prerequisites: { type: 'string', multiple: true },
  placeholder: { type: 'string', multiple: true },
  'search-path': { type: 'string' },
  setting: { type: 'string', multiple: true },
  role: { type: 'string' },
  'same-database': { type: 'boolean' },
  base: { type: 'string' },
  scope: { type: 'string' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    // A mistyped long option is named with the option it most likely meant.
    const unknown = /^Unknown option '--([^']+)'/.exec(errorMessage(error))?.[1];
    const near = unknown === undefined ? null : nearestKey(unknown, Object.keys(OPTIONS));
    if (near) {
      const hint = 'Run migrate-check --help for the options.';
      throw new ConfigError(`Unknown option --${unknown}; did you mean --${near}? ${hint}`);
    }
    throw new ConfigError(`${errorMessage(error)}. Run migrate-check --help for the options.`);
  }
}

/** Flags → config (defaults < config file < environment < flags). */
async function configFrom(argv: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const { values, positionals } = parse(argv);
  const { config: file, color, 'no-color': noColor, quiet, help, version, placeholder, setting, ...settings } = values;
  const fromFile = await readConfigFile(cwd, file);
  const flags: Record<string, unknown> = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  if (placeholder) flags.placeholders = { ...fromFile.placeholders, ...pairs(placeholder, '--placeholder') };
  if (setting) flags.settings = { ...fromFile.settings, ...pairs(setting, '--setting') };
  const fromFlags = parseSettings(flags, 'command line');
  const config: Config = { ...DEFAULTS, paths: [], ...fromFile, ...fromFlags } as Config;
  if (positionals.length) config.paths = positionals;
  const urlFrom = fromFlags.databaseUrl
    ? '--database-url'
    : fromFile.databaseUrl ? 'The `database-url` of the config file' : 'DATABASE_URL';
  config.databaseUrl ??= env.DATABASE_URL || undefined;
  if (fromFlags.database === undefined && fromFile.database === undefined && config.databaseUrl) config.database = 'url';
  if (config.database === 'url' && !config.databaseUrl) {
    throw new ConfigError('--database url needs a server: pass --database-url postgres://user@host/postgres or set DATABASE_URL.');
  }
  const wrongUrl = config.database === 'url' && config.databaseUrl ? notPostgresUrl(config.databaseUrl, urlFrom) : null;
  if (wrongUrl) throw new ConfigError(wrongUrl);
  if (!config.paths.length && !help && !version) {
    throw new ConfigError('No migration directory given. Run `migrate-check db/migrations` (or set `path` in migrate-check.json).');
  }
  const wantsColor = color ?? (noColor ? false : undefined);
  return { config, help, version, quiet: quiet ?? false, wantsColor };
}

/** `name=value` flags into a map. */
function pairs(values: string[], flag: string): Record<string, string> {
  return Object.fromEntries(
    values.map((v) => {
      const at = v.indexOf('=');
      if (at <= 0) throw new ConfigError(`${flag} ${JSON.stringify(v)} needs the form name=value.`);
      return [v.slice(0, at), v.slice(at + 1)];
    }),
  );
}

function progress(streams: Streams) {
  const tty = Boolean(streams.stderr.isTTY);
  let drawn = false;
  return {
    onStep(directory: string, step: Step, done: number, total: number) {
      const mark = step.status === 'ok' ? '✓' : step.status === 'failed' ? '✗' : '-';
      const name = visible(`${step.version}_${step.name}`);
      const again = step.attempt === 2 ? ' (again)' : '';
      const line = `${mark} ${visible(directory)} ${name} ${step.direction}${again} ${step.durationMs} ms`;
      if (tty) {
        streams.stderr.write(`\r\x1b[2K[${done}/${total}] ${line}`);
        drawn = true;
      } else if (step.status !== 'ok' || step.direction === 'up') {
        streams.stderr.write(`[${done}/${total}] ${line}\n`);
      }
    },
    end() {
      if (drawn) streams.stderr.write('\r\x1b[2K');
    },
  };
}

/** `migrate-check hash [dir...]`: writes each folder's migrate-check.sum. No database needed. */
async function hash(argv: string[], env: NodeJS.ProcessEnv, streams: Streams, cwd: string): Promise<number> {
  const { config } = await configFrom(argv, env, cwd);
  for (const path of config.paths) {
    const reader = fsDirectory(path);
    const settings = settingsFor(config, path);
    const { format, options } = await formatFor(reader, settings);
    const set = await format.load(reader, options);
    const entries = await sumEntries(set, reader);
    await writeReport(resolve(cwd, path, SUM_FILE), renderSum(entries), `${posix.join(path, SUM_FILE)}`);
    const count = `${entries.length} ${entries.length === 1 ? 'file' : 'files'}`;
    streams.stdout.write(`wrote ${visible(posix.join(path, SUM_FILE))} (${count}, ${format.id})\n`);
  }
  return 0;
}

/**
 * Streams as a GitHub Actions runner reads them (`--output github`, or any output inside Actions):
 * text can no longer carry workflow commands (see report/workflow-commands.ts); `raw` writes our
 * own annotation lines.
 */
function guarded(streams: Streams, env: NodeJS.ProcessEnv, argv: string[]) {
  const github = (a: string, i: number) => a === '--output=github' || (a === '--output' && argv[i + 1] === 'github');
  let runner = env.GITHUB_ACTIONS === 'true' || argv.some(github);
  const wrap = (stream: Streams['stdout']) => ({
    isTTY: stream.isTTY,
    write: (s: string) => stream.write(runner ? neutraliseCommands(s) : s),
  });
  return {
    streams: { stdout: wrap(streams.stdout), stderr: wrap(streams.stderr) },
    raw: streams.stdout,
    json: (s: string) => streams.stdout.write(runner ? neutraliseJson(s) : s),
    forRunner: (yes: boolean) => void (runner ||= yes),
  };
}

/**
 * Adopting on a history with old broken migrations: when the first error is in a migration
 * already on the default branch, say so and how to check only what the branch adds.
 */
async function baseHint(report: Report, cwd: string): Promise<string> {
  const first = report.findings.find((f) => f.severity === 'error' && f.file);
  const ref = first?.file ? await onDefaultBranch(cwd, first.file) : null;
  if (!ref) return '';
  return (
    `\n${visible(first!.file!)} is already on ${ref}: the failure may be an old one. ` +
    `To check only what this branch adds, run with --base ${ref} (see "Pull requests: --base" in the README).\n`
  );
}

/**
 * The CLI: returns the exit code. Prints no stack trace for the tool's own errors or the machine's.
 * `embedded` (for tests that run the CLI many times in one process): a running default embedded
 * server, used instead of starting one by every run that would start one.
 */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  given: Streams,
  cwd = process.cwd(),
  embedded?: Server,
): Promise<number> {
  const out = guarded(given, env, argv);
  const streams = out.streams;
  try {
    if (argv[0] === 'hash') return await hash(argv.slice(1), env, streams, cwd);
    const { config, help, version, quiet, wantsColor } = await configFrom(argv, env, cwd);
    if (help) return streams.stdout.write(HELP + '\n'), 0;
    if (version) return streams.stdout.write(VERSION + '\n'), 0;
    out.forRunner(config.output === 'github');
    const summary = config.output === 'github' ? env.GITHUB_STEP_SUMMARY : undefined;
    const outputFile = config.outputFile ? resolve(cwd, config.outputFile) : undefined;
    // A report that cannot be written is known before the run spends minutes on it.
    if (outputFile) await checkWritable(outputFile, `--output-file ${config.outputFile}`);
    if (summary) await checkWritable(summary, `The job summary (GITHUB_STEP_SUMMARY=${summary})`);
    const color = wantsColor ?? (Boolean(streams.stdout.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb');
    const show = progress(streams);
    const useShared = embedded && config.database === 'embedded' && !config.postgresBin && config.postgresVersion === DEFAULTS.postgresVersion;
    const report = await run(config, {
      ...localIO(config, cwd, (line) => streams.stderr.write(line + '\n')),
      ...(useShared ? { startServer: async () => embedded } : {}),
      onStep: quiet || (config.output !== 'text' && config.output !== 'github') ? undefined : show.onStep,
    });
    show.end();
    const links = fileLinks(env, env.GITHUB_SHA);
    const as = (format: Config['output']) =>
      format === 'json'
        ? renderJson(report)
        : format === 'markdown'
          ? renderMarkdown(report, links)
          : renderTerminal(report, { color: format === 'github' ? false : color });
    if (config.output === 'json') out.json(as('json'));
    else streams.stdout.write(as(config.output));
    if ((config.output === 'text' || config.output === 'github') && !config.base && !report.ok) streams.stdout.write(await baseHint(report, cwd));
    if (config.output === 'github') {
      out.raw.write(renderAnnotations(report));
      const markdown = renderMarkdown(report, { ...links, budget: SUMMARY_LIMIT }) + '\n';
      if (summary) await writeReport(summary, markdown, `The job summary (GITHUB_STEP_SUMMARY=${summary})`, 'append');
      else streams.stderr.write('migrate-check: GITHUB_STEP_SUMMARY is not set, so no job summary was written (it is set inside GitHub Actions).\n');
    }
    if (outputFile) {
      const text = as(outputFile.endsWith('.md') ? 'markdown' : 'json');
      await writeReport(outputFile, text, `--output-file ${config.outputFile}`);
    }
    return report.ok ? 0 : 1;
  } catch (error) {
    if (isInterrupted()) return 130;
    const system = describeSystemError(error);
    if (error instanceof ToolError || system) {
      streams.stderr.write(`migrate-check: ${visibleLines(system ?? errorMessage(error))}\n`);
    } else {
      streams.stderr.write(
        `migrate-check: unexpected error: ${visibleLines(errorMessage(error))}\nThis is a bug in migrate-check. ` +
          `Please report it with the command you ran` +
          `${env.MIGRATE_CHECK_DEBUG ? '' : ' (set MIGRATE_CHECK_DEBUG=1 to include the stack trace)'}.\n`,
      );
      if (env.MIGRATE_CHECK_DEBUG && error instanceof Error) streams.stderr.write(`${error.stack}\n`);
    }
    return 2;
  }
}
