import { helpText, parseArgv, spell } from './cli-args.ts';
import { checkWritable, describeLostServer, describeSystemError, firstError, writeReport } from './cli-errors.ts';
import { baseHint, guarded, progress, type Streams } from './cli-output.ts';
import { givenSettings, resolveConfig, settingsFor, type Config, type Shell } from './config.ts';
import type { Server } from './database/database.ts';
import { isInterrupted } from './database/lifetime.ts';
import { ToolError, errorMessage } from './errors.ts';
import { fsDirectory } from './files/directory.ts';
import { renderSum, SUM_FILE, sumEntries } from './history/sum.ts';
import { localIO, readReports } from './io.ts';
import { renderAnnotations } from './report/annotations.ts';
import { renderJson } from './report/json.ts';
import { mergeReports } from './report/merge.ts';
import { fileLinks, renderMarkdown, SUMMARY_LIMIT } from './report/markdown.ts';
import { renderTerminal } from './report/terminal.ts';
import { pathBase, reportFiles, TOOL_REPORTS, writeReportFiles } from './report-files.ts';
import { visible, visibleLines } from './report/visible.ts';
import { formatFor, run } from './run.ts';
import { VERSION } from './version.ts';
import { posix, resolve } from 'node:path';

export type { Streams } from './cli-output.ts';
export { VERSION };

const CLI: Omit<Shell, 'cwd'> = {
  where: 'command line',
  spell,
  noPath: 'No migration directory given. Run `migrate-check db/migrations` (or set `path` in migrate-check.json).',
  // A CI runner (CI set) rarely keeps the cache folder between jobs.
  keepsCache: (env) => !env.CI || ['false', '0'].includes(env.CI.toLowerCase()),
};

/** `migrate-check hash [dir...]`: writes each folder's migrate-check.sum. No database needed. */
async function hash(config: Config, streams: Streams, cwd: string): Promise<number> {
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

/** The CLI: returns the exit code. Prints no stack trace for the tool's own errors or the machine's. */
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
    const hashing = argv[0] === 'hash';
    // `migrate-check merge <report.json | folder>...`: the jobs' reports as one (shards, majors).
    const merging = argv[0] === 'merge';
    const args = parseArgv(hashing || merging ? argv.slice(1) : argv);
    if (merging && !args.given.path)
      throw new ToolError(
        '`migrate-check merge` needs the JSON reports to merge: `migrate-check merge reports/` or a.json b.json.',
      );
    if (args.help) return (streams.stdout.write(helpText() + '\n'), 0);
    if (args.version) return (streams.stdout.write(VERSION + '\n'), 0);
    const flags = givenSettings(args.given, CLI);
    const config = await resolveConfig(flags, { ...CLI, cwd, env });
    if (hashing) return await hash(config, streams, cwd);
    const { quiet, color: wantsColor } = flags.options;
    out.forRunner(config.output === 'github');
    const summary = config.output === 'github' ? env.GITHUB_STEP_SUMMARY : undefined;
    const outputFile = config.outputFile ? resolve(cwd, config.outputFile) : undefined;
    // A report that cannot be written is known before the run spends minutes on it.
    if (outputFile) await checkWritable(outputFile, `--output-file ${config.outputFile}`);
    if (summary) await checkWritable(summary, `The job summary (GITHUB_STEP_SUMMARY=${summary})`);
    const files = await reportFiles(config, cwd, (name, value) => `--${name} ${value}`);
    const color = wantsColor ?? (Boolean(streams.stdout.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb');
    const show = progress(streams);
    // The one-time setup of a cache says what it is doing; --quiet keeps stderr for errors.
    const say = quiet ? () => {} : (line: string) => show.say(line);
    // `--base-cache` given: a run without `--base` (a CI job on the base branch) keeps the state of
    // every migration for the checks with `--base` on this commit.
    const headStates = flags.settings.baseCache === true;
    const io = localIO(config, cwd, say, {
      ...(embedded ? { shared: embedded } : {}),
      ...(headStates ? { headStates } : {}),
    });
    const report = merging
      ? mergeReports(await readReports(config.paths, cwd))
      : await run(config, {
          ...io,
          onStep: quiet || (config.output !== 'text' && config.output !== 'github') ? undefined : show.onStep,
        });
    show.end();
    const links = fileLinks(env, env.GITHUB_SHA);
    const forTools = config.output === 'sarif' || config.output === 'gitlab' || config.output === 'junit';
    const paths = forTools || files.length ? await pathBase(cwd) : {};
    const text = config.output === 'text' || config.output === 'github';
    const note = text && !config.base && !report.ok && !quiet && !merging ? await baseHint(report, cwd) : '';
    const width = streams.stdout.isTTY ? (streams.stdout.columns ?? 0) : 0;
    const as = (format: Config['output']) =>
      format === 'json'
        ? renderJson(report)
        : format === 'markdown'
          ? renderMarkdown(report, links)
          : format === 'sarif' || format === 'gitlab' || format === 'junit'
            ? TOOL_REPORTS[format](report, paths)
            : renderTerminal(report, {
                color: format === 'github' ? false : color,
                width: format === 'github' ? 0 : width,
                ...(quiet ? { quiet } : {}),
                ...(note ? { note } : {}),
              });
    if (config.output === 'json' || config.output === 'sarif' || config.output === 'gitlab')
      out.json(as(config.output));
    else streams.stdout.write(as(config.output));
    if (config.output === 'github') {
      out.raw.write(renderAnnotations(report));
      const markdown = renderMarkdown(report, { ...links, budget: SUMMARY_LIMIT }) + '\n';
      if (summary) await writeReport(summary, markdown, `The job summary (GITHUB_STEP_SUMMARY=${summary})`, 'append');
      else
        streams.stderr.write(
          'migrate-check: GITHUB_STEP_SUMMARY is not set, so no job ' +
            'summary was written (it is set inside GitHub Actions).\n',
        );
    }
    if (outputFile) {
      const text = as(outputFile.endsWith('.md') ? 'markdown' : 'json');
      await writeReport(outputFile, text, `--output-file ${config.outputFile}`);
    }
    await writeReportFiles(files, report, paths);
    // A base state being saved for the next run (base-cache) finishes after the verdict is out.
    await io.settled();
    return report.ok ? 0 : 1;
  } catch (error) {
    if (isInterrupted()) return 130;
    const first = firstError(error);
    const known = describeSystemError(first) ?? describeLostServer(first);
    if (first instanceof ToolError || known) {
      streams.stderr.write(`migrate-check: ${visibleLines(known ?? errorMessage(first))}\n`);
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
