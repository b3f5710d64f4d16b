import { githubClient, type ClientOptions, type GitHubClient } from './client.ts';

/**
 * The one sticky PR comment: found by its hidden marker among the comments written by the same
 * identity, on every page; updated in place, or created. The calls go through @actions/github's
 * Octokit (client.ts), which waits out rate limits and retries 5xx.
 */

export interface CommentTarget {
  /** `https://api.github.com`, or `GITHUB_API_URL` (GHES, or a test server). */
  apiUrl: string;
  token: string;
  owner: string;
  repo: string;
  issue: number;
}

export type CommentOutcome =
  | { action: 'created' | 'updated' | 'unchanged'; id: number; url?: string }
  /** Asked to update only, and there was no comment to update. */
  | { action: 'none' }
  | { action: 'forbidden'; status: number; message: string }
  | { action: 'too-large'; status: number; message: string };

/** A call GitHub refused or that never got an answer: `METHOD /path: status message`. */
export class GitHubError extends Error {
  readonly status: number;
  readonly rateLimited: boolean;
  constructor(status: number, message: string, rateLimited = false) {
    super(message);
    this.status = status;
    this.rateLimited = rateLimited;
  }
}

interface Comment {
  id: number;
  body?: string;
  html_url?: string;
  user?: { login?: string } | null;
}

/** Octokit's RequestError as a GitHubError that names the call; anything else unchanged. */
function asGitHubError(error: unknown, apiUrl: string): unknown {
  if (!(error instanceof Error) || typeof (error as { status?: unknown }).status !== 'number') return error;
  const { status, request, response } = error as Error & {
    status: number;
    request?: { method?: string; url?: string };
    response?: { headers?: Record<string, string | undefined> };
  };
  const path = (request?.url ?? '').replace(apiUrl.replace(/\/+$/, ''), '').split('?')[0];
  const rateLimited =
    (status === 403 || status === 429) &&
    (response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(error.message));
  return new GitHubError(status, `${request?.method ?? ''} ${path}: ${status} ${error.message}`.trim(), rateLimited);
}

const where = (comment: Comment) => ({ id: comment.id, ...(comment.html_url ? { url: comment.html_url } : {}) });

/**
 * Who writes the comment: `github-actions[bot]` for the workflow token; for a personal token,
 * whatever `GET /user` says (an installation token cannot call it).
 */
async function identity(octokit: GitHubClient): Promise<string> {
  try {
    return (await octokit.rest.users.getAuthenticated({ request: { retries: 0 } })).data.login;
  } catch {
    return 'github-actions[bot]';
  }
}

/** Our comment: the first, on any page, that carries the marker and was written by `me`. */
async function findOwn(octokit: GitHubClient, target: CommentTarget, marker: string, me: string) {
  const { owner, repo, issue: issue_number } = target;
  const list = octokit.rest.issues.listComments;
  for await (const page of octokit.paginate.iterator(list, { owner, repo, issue_number, per_page: 100 })) {
    const found: Comment | undefined = page.data.find((c) => c.body?.includes(marker) && c.user?.login === me);
    if (found) return found;
  }
  return undefined;
}

/**
 * Creates or updates the sticky comment. `fallback` renders a shorter body when GitHub refuses
 * the first for its size (422). A token that may not write (fork PRs) gives `forbidden`, never
 * an exception: the caller warns and the job's verdict stays the migrations' verdict. Failures
 * that outlast the retries (5xx, a rate limit that lifts too late) throw a GitHubError.
 * `client` tunes the waits (tests) and where rate-limit waits are logged; with `create: false`
 * an existing comment is updated and none is created.
 */
export async function upsertComment(
  target: CommentTarget,
  marker: string,
  body: string,
  fallback?: () => string,
  client: Pick<ClientOptions, 'secondMs' | 'log'> & { create?: boolean } = {},
): Promise<CommentOutcome> {
  const octokit = await githubClient({ apiUrl: target.apiUrl, token: target.token, ...client });
  const { owner, repo } = target;
  try {
    const existing = await findOwn(octokit, target, marker, await identity(octokit));
    if (existing?.body === body) return { action: 'unchanged', ...where(existing) };
    if (!existing && client.create === false) return { action: 'none' };
    const write = async (text: string): Promise<Comment> =>
      existing
        ? (await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: text })).data
        : (await octokit.rest.issues.createComment({ owner, repo, issue_number: target.issue, body: text })).data;
    let written: Comment;
    try {
      written = await write(body);
    } catch (error) {
      if (!((error as { status?: number }).status === 422 && fallback)) throw error;
      written = await write(fallback());
    }
    return { action: existing ? 'updated' : 'created', ...where(written) };
  } catch (raw) {
    const error = asGitHubError(raw, target.apiUrl);
    if (!(error instanceof GitHubError) || error.rateLimited) throw error;
    const { status, message } = error;
    if (status === 403 || status === 404) return { action: 'forbidden', status, message };
    if (status === 422) return { action: 'too-large', status, message };
    throw error;
  }
}
