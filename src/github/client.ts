import type { ThrottlingOptions } from '@octokit/plugin-throttling';

/**
 * The GitHub REST client: @actions/github's Octokit (REST methods, `paginate`, the runner's
 * proxy settings) with Octokit's two plugins for an API that pushes back:
 *
 * - retry: 5xx, network failures and other passing errors (408, 409) are tried again after 1, 4
 *   and 9 s (four attempts in all);
 * - throttling: primary and secondary rate limits (403/429) wait as GitHub says, by
 *   `retry-after` or `x-ratelimit-reset`, up to `MAX_WAIT_S`, at most `RATE_LIMIT_RETRIES` times.
 *
 * Answers that are not transient (400, 401, 403 without a rate limit, 404, 422…) come back at
 * once, for the caller to act on.
 */

export interface ClientOptions {
  /** `https://api.github.com`, or `GITHUB_API_URL` (GHES, or a test server). */
  apiUrl: string;
  token: string;
  /** How long a second of waiting lasts, in ms: 1000; tests shrink it to keep retries fast. */
  secondMs?: number;
  /** Told about each wait for a rate limit (the Action's log). */
  log?: (message: string) => void;
}

export type GitHubClient = Awaited<ReturnType<typeof githubClient>>;

/** Longest wait for a rate limit; beyond it the call fails and says when the limit resets. */
export const MAX_WAIT_S = 60;
const RATE_LIMIT_RETRIES = 3;

type Group = NonNullable<Extract<ThrottlingOptions, { onRateLimit: unknown }>['write']>;

/**
 * Writes go out unpaced. NOTE: the plugin spaces writes 1 s and new comments 3 s apart, for
 * clients that write in bulk; an upsert writes once, and a second time only after GitHub refused
 * the first for its size (which created nothing). Shaped like the plugin's `Bottleneck.Group`.
 */
type Task = (...args: unknown[]) => unknown;
const unpaced = {
  key: () => ({ schedule: (_job: unknown, task: Task, ...args: unknown[]) => Promise.resolve(task(...args)) }),
} as unknown as Group;

/**
 * An Octokit for `options.apiUrl`. NOTE: @actions/github is loaded here, not at start-up: it
 * parses the event payload when it loads, and a broken payload must not stop the checks.
 */
export async function githubClient(options: ClientOptions) {
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import('@actions/github'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
  ]);
  const secondMs = options.secondMs ?? 1000;
  const log = options.log ?? ((message: string) => console.log(message));
  type Call = { method: string; url: string };
  const onLimit = (kind: string) => (retryAfter: number, request: Call, _octokit: unknown, retryCount: number) => {
    const call = `${request.method} ${request.url}`;
    if (retryCount >= RATE_LIMIT_RETRIES) return false;
    if (retryAfter > MAX_WAIT_S) {
      log(`GitHub's ${kind} for ${call} lifts in ${retryAfter} s, longer than the ${MAX_WAIT_S} s this step waits.`);
      return false;
    }
    log(`GitHub's ${kind} for ${call}: retrying in ${retryAfter} s.`);
    return true;
  };
  return getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      userAgent: 'migrate-check',
      // 403 and 429 are rate limits (the throttling plugin's) or answers, never blind retries.
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451], retryAfterBaseValue: secondMs },
      throttle: {
        retryAfterBaseValue: secondMs,
        write: unpaced,
        notifications: unpaced,
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
      },
    },
    retry,
    throttling,
  );
}
