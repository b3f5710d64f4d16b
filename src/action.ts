import * as core from '@actions/core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS, parseSettings, readConfigFile, type Config } from './config.ts';
import { dockerAvailable } from './database/container.ts';
import type { DatabaseKind } from './database/index.ts';
import { ToolError, errorMessage } from './errors.ts';
import { upsertComment, type CommentOutcome } from './github/comment.ts';
import { localIO } from './io.ts';
import { renderAnnotations } from './report/annotations.ts';
import { COMMENT_LIMIT, commentMarker, fileLinks, renderMarkdown, SUMMARY_LIMIT } from './report/markdown.ts';
import type { Report } from './report/report.ts';
import { renderTerminal } from './report/terminal.ts';
import { neutraliseCommands } from './report/workflow-commands.ts';
import { run } from './run.ts';

/** What the Action needs to know about the event that started the workflow. */
interface EventContext {
  name: string;
  /** The pull request, when there is one (pull_request, pull_request_target). */
  pr?: { number: number; headSha: string; baseSha: string; fork: boolean };
  /** The base commit to compare with: the PR's base, or a merge group's base. */
  baseSha?: string;
  payload: Record<string, unknown>;
}

function eventContext(env: NodeJS.ProcessEnv): EventContext {
  const name = env.GITHUB_EVENT_NAME ?? '';
  let payload: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
    } catch {
      core.warning(`Could not read the event payload at ${env.GITHUB_EVENT_PATH}; running without pull request context.`);
    }
  }
  type Pr = { number: number; head: { sha: string; repo?: { full_name?: string } | null }; base: { sha: string; repo?: { full_name?: string } } };
  const pr = payload.pull_request as Pr | undefined;
  if ((name === 'pull_request' || name === 'pull_request_target') && pr) {
    const fork = Boolean(pr.head.repo?.full_name && pr.base.repo?.full_name && pr.head.repo.full_name !== pr.base.repo.full_name);
    return { name, payload, baseSha: pr.base.sha, pr: { number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, fork } };
  }
  const group = payload.merge_group as { base_sha?: string } | undefined;
  if (name === 'merge_group' && group?.base_sha) return { name, payload, baseSha: group.base_sha };
  return { name, payload };
}

/** Inputs, named as the config file and CLI flags; empty ones are left to the config file and defaults. */
function inputSettings(): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const path = core.getMultilineInput('path').map((p) => p.trim()).filter(Boolean);
  if (path.length) raw.path = path;
  for (const key of ['format', 'roundtrip', 'scope', 'fail-on', 'database-url', 'postgres-image', 'database']) {
    const value = core.getInput(key);
    if (value) raw[key] = value;
  }
  return raw;
}

const PERMISSIONS_HINT = 'Give the workflow `permissions: { contents: read, pull-requests: write }` to get the comment; the job summary has the full report.';

function writeOutputs(report: Report, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const reportPath = join(dir, 'migrate-check-report.json');
  writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
  const diffPath = join(dir, 'schema.diff');
  writeFileSync(diffPath, report.directories.map((d) => d.schema.diff ?? '').filter(Boolean).join('\n'));
  core.setOutput('ok', String(report.ok));
  core.setOutput('findings', String(report.findings.length));
  core.setOutput('report', reportPath);
  core.setOutput('schema-diff', diffPath);
}

async function comment(report: Report, env: NodeJS.ProcessEnv, pr: { number: number; headSha: string }): Promise<CommentOutcome | null> {
  const token = core.getInput('github-token');
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!token || !owner || !repo) {
    core.warning(`No github-token (or GITHUB_REPOSITORY) to post the pull request comment with. ${PERMISSIONS_HINT}`);
    return null;
  }
  const links = fileLinks(env, pr.headSha);
  const outcome = await upsertComment(
    { apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com', token, owner, repo, issue: pr.number },
    commentMarker(report),
    renderMarkdown(report, { ...links, budget: COMMENT_LIMIT }),
    // GitHub measures the limit its own way: the summary tier is the safe second try.
    () => renderMarkdown(report, { ...links, budget: 20_000 }),
  ).catch((error: unknown) => {
    core.warning(`Could not post the pull request comment: ${errorMessage(error)}. The job summary has the full report.`);
    return null;
  });
  if (outcome?.action === 'forbidden') core.warning(`The token may not comment on this pull request (${outcome.message}). ${PERMISSIONS_HINT}`);
  else if (outcome?.action === 'too-large') core.warning(`GitHub refused the comment for its size (${outcome.message}); the job summary has the full report.`);
  else if (outcome) core.info(`Pull request comment ${outcome.action}${outcome.url ? `: ${outcome.url}` : ''}.`);
  return outcome;
}

/** `mode: comment`: post the comment from a report made by an unprivileged `pull_request` run. */
async function commentFromReport(env: NodeJS.ProcessEnv, context: EventContext): Promise<number> {
  const path = core.getInput('report');
  if (!path) throw new ToolError('`mode: comment` needs `report`: the path of the migrate-check-report.json artifact downloaded from the check run.');
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report & { pullRequest?: { number: number; headSha: string } };
  const run = context.payload.workflow_run as { head_sha?: string } | undefined;
  if (!report.pullRequest) throw new ToolError(`${path} was not made by a pull request run, so there is no pull request to comment on.`);
  if (run?.head_sha && run.head_sha !== report.pullRequest.headSha) {
    throw new ToolError(`${path} is for commit ${report.pullRequest.headSha}, but the workflow run that uploaded it ran on ${run.head_sha}: refusing to post a report for another commit.`);
  }
  await comment(report, env, report.pullRequest);
  return 0;
}

/**
 * The GitHub Action. Exit status is the required check: 1 when findings reach `fail-on`, 2 when
 * the tool itself could not run; a comment that cannot be posted never changes it.
 */
export async function runAction(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  try {
    const context = eventContext(env);
    if (core.getInput('mode') === 'comment') return await commentFromReport(env, context);

    const fromFile = await readConfigFile(cwd, core.getInput('config') || undefined);
    const fromInputs = parseSettings(inputSettings(), 'action inputs');
    const config: Config = { ...DEFAULTS, paths: [], ...fromFile, ...fromInputs } as Config;
    if (!config.paths.length) throw new ToolError('No migration directory: set the `path` input (one or more folders, one per line).');
    const base = core.getInput('base') || context.baseSha;
    if (base) config.base = base;
    if (!fromInputs.database && !fromFile.database) {
      const database: DatabaseKind = config.databaseUrl ? 'url' : (await dockerAvailable()) ? 'container' : 'embedded';
      if (database === 'embedded') core.info('Docker is not reachable here: using the embedded Postgres (no container).');
      config.database = database;
    }
    if (config.databaseUrl) core.setSecret(config.databaseUrl);

    const report = await run(config, localIO(config, cwd, (line) => core.info(neutraliseCommands(line))));
    const withPr = context.pr ? { ...report, pullRequest: { number: context.pr.number, headSha: context.pr.headSha } } : report;

    // File and object names are untrusted: they must not read as workflow commands in the log.
    process.stdout.write(neutraliseCommands(renderTerminal(report, { color: false })));
    process.stdout.write(renderAnnotations(report));
    writeOutputs(withPr, join(env.RUNNER_TEMP ?? tmpdir(), 'migrate-check'));
    const links = fileLinks(env, context.pr?.headSha);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(renderMarkdown(report, { ...links, budget: SUMMARY_LIMIT })).write();

    if (context.pr && core.getInput('comment') !== 'false') await comment(report, env, context.pr);
    else if (!context.pr) core.info(`No pull request in a ${context.name || 'local'} event: the job summary has the report; no comment is posted.`);

    if (!report.ok) {
      core.setFailed(`Migrations are not safe to merge: ${report.findings.filter((f) => f.severity === 'error').length} error(s). See the annotations and the job summary.`);
      return 1;
    }
    return 0;
  } catch (error) {
    core.setFailed(neutraliseCommands(error instanceof ToolError ? error.message : `migrate-check failed unexpectedly: ${errorMessage(error)}`));
    if (!(error instanceof ToolError) && error instanceof Error && error.stack) core.debug(error.stack);
    return 2;
  }
}
