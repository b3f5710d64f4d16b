/**
 * Written on `fetch` rather than @actions/github's Octokit: that Octokit ships without the retry
 * and throttling plugins, and the sticky comment needs backoff on rate limits and 5xx, a
 * fallback on 422, and a read-only token turned into a warning, all in a few lines here.
 *
 * The one sticky PR comment: found by its hidden marker among the comments written by the same
 * identity, on every page; updated in place, or created. Written against GitHub's REST API with
 * `fetch`, so the calls are plain HTTP (and a local server can stand in for GitHub in tests).
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
  | { action: 'forbidden'; status: number; message: string }
  | { action: 'too-large'; status: number; message: string };

export class GitHubError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

interface Comment {
  id: number;
  body?: string;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One REST call, retried with backoff on rate limits (403/429 with a rate-limit signal) and
 * 5xx: `retry-after` or `x-ratelimit-reset` when GitHub says how long, otherwise 1, 2, 4 s.
 */
export async function request<T>(
  target: Pick<CommentTarget, 'apiUrl' | 'token'>,
  method: string,
  path: string,
  body?: unknown,
  options: { attempts?: number; baseDelayMs?: number } = {},
): Promise<{ data: T; headers: Headers }> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${target.apiUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${target.token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'migrate-check',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.ok) return { data: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
    const message = (() => {
      try {
        return (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        return text;
      }
    })();
    const rateLimited = response.status === 429 || (response.status === 403 && (response.headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(message)));
    if ((rateLimited || response.status >= 500) && attempt < attempts) {
      const retryAfter = Number(response.headers.get('retry-after'));
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      const wait = retryAfter > 0 ? retryAfter * 1000 : reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : base * 2 ** (attempt - 1);
      await sleep(Math.min(wait, 60_000));
      continue;
    }
    throw new GitHubError(response.status, `${method} ${path}: ${response.status} ${message}`);
  }
}

/** Every comment of the issue, page by page (100 a page), following GitHub's `link` header. */
async function* allComments(target: CommentTarget): AsyncGenerator<Comment> {
  let path: string | null = `/repos/${target.owner}/${target.repo}/issues/${target.issue}/comments?per_page=100`;
  while (path) {
    const page: { data: Comment[]; headers: Headers } = await request<Comment[]>(target, 'GET', path);
    yield* page.data;
    const next: string | undefined = /<([^>]+)>;\s*rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
    path = next ? next.replace(/^https?:\/\/[^/]+/, '').replace(new URL(target.apiUrl).pathname.replace(/\/+$/, ''), '') || null : null;
  }
}

/**
 * Who writes the comment: `github-actions[bot]` for the workflow token; for a personal token,
 * whatever `GET /user` says (an installation token cannot call it).
 */
async function identity(target: CommentTarget): Promise<string> {
  try {
    return (await request<{ login: string }>(target, 'GET', '/user', undefined, { attempts: 1 })).data.login;
  } catch {
    return 'github-actions[bot]';
  }
}

/**
 * Creates or updates the sticky comment. `fallback` renders a shorter body when GitHub refuses
 * the first for its size (422). A token that may not write (fork PRs) gives `forbidden`, never
 * an exception: the caller warns and the job's verdict stays the migrations' verdict.
 */
export async function upsertComment(target: CommentTarget, marker: string, body: string, fallback?: () => string): Promise<CommentOutcome> {
  const me = await identity(target);
  let existing: Comment | undefined;
  try {
    for await (const comment of allComments(target)) {
      if (comment.body?.includes(marker) && comment.user?.login === me) {
        existing = comment;
        break;
      }
    }
    if (existing?.body === body) return { action: 'unchanged', id: existing.id, ...(existing.html_url ? { url: existing.html_url } : {}) };
    const write = async (text: string) =>
      existing
        ? (await request<Comment>(target, 'PATCH', `/repos/${target.owner}/${target.repo}/issues/comments/${existing.id}`, { body: text })).data
        : (await request<Comment>(target, 'POST', `/repos/${target.owner}/${target.repo}/issues/${target.issue}/comments`, { body: text })).data;
    let written: Comment;
    try {
      written = await write(body);
    } catch (error) {
      if (!(error instanceof GitHubError && error.status === 422 && fallback)) throw error;
      written = await write(fallback());
    }
    return { action: existing ? 'updated' : 'created', id: written.id, ...(written.html_url ? { url: written.html_url } : {}) };
  } catch (error) {
    if (error instanceof GitHubError && (error.status === 403 || error.status === 404)) return { action: 'forbidden', status: error.status, message: error.message };
    if (error instanceof GitHubError && error.status === 422) return { action: 'too-large', status: error.status, message: error.message };
    throw error;
  }
}
