/** What the Action needs to know about the event that started the workflow, read from the runner's files. */
import { readFileSync } from 'node:fs';

export interface PullRequest {
  number: number;
  headSha: string;
  baseSha: string;
  /** The head branch is in another repository: the token is read-only and there are no secrets. */
  fork: boolean;
}

export interface EventContext {
  /** GITHUB_EVENT_NAME: pull_request, merge_group, push … ('' outside Actions). */
  name: string;
  /** The pull request, when there is one (pull_request, pull_request_target). */
  pr?: PullRequest;
  /** The base commit to compare with: the pull request's base, or a merge group's base. */
  baseSha?: string;
  /** GITHUB_REPOSITORY as owner and name, when set. */
  repository?: { owner: string; repo: string };
  /** The workflow run that triggered a `workflow_run` workflow (`mode: comment`). */
  workflowRun?: { headSha?: string };
}

type Pr = {
  number: number;
  head: { sha: string; repo?: { full_name?: string } | null };
  base: { sha: string; repo?: { full_name?: string } };
};

/** Reads GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and GITHUB_REPOSITORY; `warn` says why a payload is ignored. */
export function eventContext(env: NodeJS.ProcessEnv, warn: (message: string) => void): EventContext {
  const name = env.GITHUB_EVENT_NAME ?? '';
  let payload: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
    } catch {
      warn(`Could not read the event payload at ${env.GITHUB_EVENT_PATH}; running without pull request context.`);
    }
  }
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const context: EventContext = { name, ...(owner && repo ? { repository: { owner, repo } } : {}) };
  const run = payload.workflow_run as { head_sha?: string } | undefined;
  if (run) context.workflowRun = run.head_sha ? { headSha: run.head_sha } : {};
  const pr = payload.pull_request as Pr | undefined;
  if ((name === 'pull_request' || name === 'pull_request_target') && pr) {
    const [head, base] = [pr.head.repo?.full_name, pr.base.repo?.full_name];
    const fork = Boolean(head && base && head !== base);
    context.pr = { number: pr.number, headSha: pr.head.sha, baseSha: pr.base.sha, fork };
    context.baseSha = pr.base.sha;
  }
  const group = payload.merge_group as { base_sha?: string } | undefined;
  if (name === 'merge_group' && group?.base_sha) context.baseSha = group.base_sha;
  return context;
}
