import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputs } from './action-inputs.ts';
import { givenSettings, resolveConfig, type Shell, type ShellOptions } from './config.ts';
import { dockerAvailable } from './database/container.ts';
import type { Server } from './database/database.ts';
import { describeLostServer, firstError } from './cli-errors.ts';
import { ToolError, errorMessage } from './errors.ts';
import { upsertComment, type CommentOutcome } from './github/comment.ts';
import { eventContext, type EventContext } from './github/context.ts';
import { suggestionsOf, syncSuggestions } from './github/review.ts';
import { localIO, readReports } from './io.ts';
import { runnerCache } from './github/runner-cache.ts';
import { renderAnnotations } from './report/annotations.ts';
import { mergeReports } from './report/merge.ts';
import {
  COMMENT_LIMIT,
  commentMarker,
  fileLinks,
  markerFor,
  renderMarkdown,
  SUMMARY_LIMIT,
} from './report/markdown.ts';
import { renderCouldNotRun, renderNotChanged } from './report/markdown.ts';
import { changesNoMigration, type Report } from './report/report.ts';
import { verdictWords } from './report/groups.ts';
import { renderTerminal } from './report/terminal.ts';
import { neutraliseCommands } from './report/workflow-commands.ts';
import { run } from './run.ts';
import { pathBase, reportFiles, writeReportFiles } from './report-files.ts';

const ACTION: Omit<Shell, 'cwd'> = {
  where: 'action inputs',
  spell: (name) => `the \`${name}\` input`,
  noPath: 'No migration directory: set the `path` input (one or more folders, one per line).',
  // A runner keeps no cache folder between jobs: `base-cache` is off unless the workflow turns it on.
  keepsCache: () => false,
  async fallbackDatabase() {
    if (await dockerAvailable()) return 'container';
    core.info('Docker is not reachable here: using the embedded Postgres (no container).');
    return 'embedded';
  },
};

const PERMISSIONS_HINT =
  'Give the workflow `permissions: { contents: read, pull-requests: write }` to get the comment; ' +
  'the job summary has the full report.';

function writeOutputs(report: Report, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const reportPath = join(dir, 'migrate-check-report.json');
  writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
  const diffPath = join(dir, 'schema.diff');
  writeFileSync(
    diffPath,
    report.directories
      .map((d) => d.schema.diff ?? '')
      .filter(Boolean)
      .join('\n'),
  );
  core.setOutput('ok', String(report.ok));
  core.setOutput('findings', String(report.findings.length));
  core.setOutput('report', reportPath);
  core.setOutput('schema-diff', diffPath);
}

/** What the comment says: the report, or (`create: false`) a note that replaces an earlier one. */
type Body = { marker: string; render: (budget: number) => string; create?: false };

async function comment(
  body: Body,
  env: NodeJS.ProcessEnv,
  token: string | undefined,
  context: EventContext,
  pr: { number: number },
): Promise<CommentOutcome | null> {
  if (!token || !context.repository) {
    core.warning(`No github-token (or GITHUB_REPOSITORY) to post the pull request comment with. ${PERMISSIONS_HINT}`);
    return null;
  }
  const outcome = await upsertComment(
    { apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com', token, ...context.repository, issue: pr.number },
    body.marker,
    body.render(COMMENT_LIMIT),
    // GitHub measures the limit its own way: a shorter comment is the safe second try.
    () => body.render(20_000),
    body.create === false ? { create: false } : {},
  ).catch((error: unknown) => {
    core.warning(
      `Could not post the pull request comment: ${errorMessage(error)}. The job summary has the full report.`,
    );
    return null;
  });
  if (outcome?.action === 'forbidden')
    core.warning(`The token may not comment on this pull request (${outcome.message}). ${PERMISSIONS_HINT}`);
  else if (outcome?.action === 'too-large')
    core.warning(`GitHub refused the comment for its size (${outcome.message}); the job summary has the full report.`);
  else if (outcome?.action === 'none') core.info('No earlier pull request comment to update; none is posted.');
  else if (outcome) core.info(`Pull request comment ${outcome.action}${outcome.url ? `: ${outcome.url}` : ''}.`);
  return outcome;
}

/**
 * The comment for a report: its findings, or, when the PR no longer changes any migration, a
 * note in the place of an earlier comment (a PR that never changed one gets no comment).
 */
function reportBody(report: Report, env: NodeJS.ProcessEnv, headSha: string): Body {
  const options = { ...fileLinks(env, headSha), kind: 'comment' as const };
  if (changesNoMigration(report))
    return { marker: commentMarker(report), render: () => renderNotChanged(report, options), create: false };
  return { marker: commentMarker(report), render: (budget) => renderMarkdown(report, { ...options, budget }) };
}

/** `review-comments`: each generated fix as a suggestion on its down file's last line. */
async function review(report: Report, env: NodeJS.ProcessEnv, token: string | undefined, context: EventContext) {
  if (!token || !context.repository || !context.pr) return;
  const target = { apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com', token, ...context.repository };
  try {
    const done = await syncSuggestions(
      { ...target, issue: context.pr.number },
      context.pr.headSha,
      suggestionsOf(report),
    );
    for (const r of done.refused) core.warning(`GitHub refused the suggested fix for ${r.path}: ${r.message}`);
    core.info(
      `Suggested fixes on the pull request: ${done.created} added, ${done.updated} updated, ` +
        `${done.unchanged} unchanged, ${done.deleted} removed.`,
    );
  } catch (error) {
    core.warning(`Could not post the suggested fixes: ${errorMessage(error)}. The comment has them.`);
  }
}

/**
 * `mode: comment`: post the comment from the reports the checking jobs uploaded: one report (an
 * unprivileged `pull_request` run, for fork pull requests), or a folder of them (the jobs of a
 * matrix: shards, directories, Postgres majors), merged into one. Writes the job summary and the
 * annotations, and fails as the merged report does (a shard that failed, or one that is missing).
 */
async function commentFromReport(
  options: ShellOptions,
  env: NodeJS.ProcessEnv,
  context: EventContext,
  cwd: string,
): Promise<number> {
  const path = options.report;
  if (!path)
    throw new ToolError(
      '`mode: comment` needs `report`: the migrate-check-report.json artifact downloaded from the check run, ' +
        "or the folder of the jobs' reports.",
    );
  type FromPr = Report & { pullRequest?: { number: number; headSha: string } };
  const named = await readReports([path], cwd);
  const report: FromPr = mergeReports(named);
  const pulls = new Set(named.map((n) => JSON.stringify((n.report as FromPr).pullRequest ?? null)));
  if (pulls.size > 1)
    throw new ToolError(`The reports in ${path} are for different pull requests: refusing to post them as one.`);
  const pullRequest = (named[0]!.report as FromPr).pullRequest ?? context.pr;
  const ranOn = context.workflowRun?.headSha;
  if (!pullRequest)
    throw new ToolError(`${path} was not made by a pull request run, so there is no pull request to comment on.`);
  if (ranOn && ranOn !== pullRequest.headSha) {
    throw new ToolError(
      `${path} is for commit ${pullRequest.headSha}, but the workflow run that uploaded it ran on ${ranOn}: ` +
        'refusing to post a report for another commit.',
    );
  }
  process.stdout.write(renderAnnotations(report));
  const links = fileLinks(env, pullRequest.headSha);
  if (env.GITHUB_STEP_SUMMARY)
    await core.summary.addRaw(renderMarkdown(report, { ...links, budget: SUMMARY_LIMIT, kind: 'summary' })).write();
  await comment(reportBody(report, env, pullRequest.headSha), env, options.githubToken, context, pullRequest);
  if (!report.ok) {
    core.setFailed(`Migrations are not safe to merge: ${verdictWords(report)}. See the comment.`);
    return 1;
  }
  return 0;
}

/**
 * The GitHub Action. Exit status is the required check: 1 when findings reach `fail-on`, 2 when
 * the tool itself could not run; a comment that cannot be posted never changes it.
 */
export async function runAction(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  /** A running default embedded server, for tests that run the Action many times in one process. */
  embedded?: Server,
): Promise<number> {
  let context: EventContext | undefined;
  let inputs: Record<string, string> = {};
  let paths: readonly string[] | undefined;
  try {
    context = eventContext(env, (message) => core.warning(message));
    inputs = readInputs((name) => core.getInput(name));
    // The pull request's (or merge group's) base commit, unless the workflow names another.
    if (!inputs.base && context.baseSha) inputs.base = context.baseSha;
    const given = givenSettings(inputs, ACTION);
    if (given.options.mode === 'comment') return await commentFromReport(given.options, env, context, cwd);
    const config = await resolveConfig(given, { ...ACTION, cwd });
    paths = config.paths;
    if (config.databaseUrl) core.setSecret(config.databaseUrl);
    const files = await reportFiles(config, cwd, (name, value) => `The \`${name}\` input (${value})`);

    const say = (line: string) => core.info(neutraliseCommands(line));
    // With base-cache on, a container's base states are kept in the runner's cache.
    const stateCache = config.baseCache && config.database === 'container' ? await runnerCache(say) : null;
    const io = localIO(config, cwd, say, {
      commit: context.pr?.headSha ?? env.GITHUB_SHA,
      ...(embedded ? { shared: embedded } : {}),
      ...(stateCache ? { stateCache } : {}),
      // A push (or any run without a pull request or a base), with base-cache on: the state of every
      // migration is kept for the pull requests on this commit, which read their base branch's cache.
      headStates: true,
    });
    const report = await run(config, io);
    const withPr = context.pr
      ? { ...report, pullRequest: { number: context.pr.number, headSha: context.pr.headSha } }
      : report;

    // File and object names are untrusted: they must not read as workflow commands in the log.
    process.stdout.write(renderTerminal(report, { color: false, log: 'github' }));
    process.stdout.write(renderAnnotations(report));
    writeOutputs(withPr, join(env.RUNNER_TEMP ?? tmpdir(), 'migrate-check'));
    if (files.length) await writeReportFiles(files, report, await pathBase(cwd));
    const links = fileLinks(env, context.pr?.headSha);
    if (env.GITHUB_STEP_SUMMARY)
      await core.summary.addRaw(renderMarkdown(report, { ...links, budget: SUMMARY_LIMIT, kind: 'summary' })).write();

    if (context.pr && given.options.comment)
      await comment(reportBody(report, env, context.pr.headSha), env, given.options.githubToken, context, context.pr);
    if (context.pr && given.options.reviewComments) await review(report, env, given.options.githubToken, context);
    else if (!context.pr)
      core.info(
        `No pull request in a ${context.name || 'local'} event: the job summary has the report; no comment is posted.`,
      );

    // A base state being saved (base-cache) finishes first.
    await io.settled();
    if (!report.ok) {
      core.setFailed(
        `Migrations are not safe to merge: ${verdictWords(report)}. See the annotations and the job summary.`,
      );
      return 1;
    }
    return 0;
  } catch (error) {
    const first = firstError(error);
    const reason =
      first instanceof ToolError
        ? first.message
        : (describeLostServer(first) ?? `migrate-check failed unexpectedly: ${errorMessage(first)}`);
    core.setFailed(neutraliseCommands(reason));
    if (!(error instanceof ToolError) && error instanceof Error && error.stack) core.debug(error.stack);
    // An earlier comment must not keep its verdict: it says the run could not be made, and why.
    const dirs =
      paths ??
      inputs.path
        ?.split('\n')
        .map((p) => p.trim())
        .filter(Boolean);
    if (context?.pr && dirs?.length && inputs.comment !== 'false' && inputs.mode !== 'comment') {
      const options = fileLinks(env, context.pr.headSha);
      const body = {
        marker: markerFor(dirs),
        render: () => renderCouldNotRun(dirs, reason, options),
        create: false as const,
      };
      await comment(body, env, inputs['github-token'], context, context.pr);
    }
    return 2;
  }
}
