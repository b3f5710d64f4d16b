import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeGitHub, type Call, type FakeComment, type Refusal } from '../../test/github-fake.ts';
import { GitHubError, upsertComment } from './comment.ts';

// The sticky comment against a real HTTP server on 127.0.0.1 standing in for GitHub. A second
// of waiting lasts `SECOND_MS` here, so retries keep their shape (1, 4, 9 s; `retry-after`)
// and the tests stay fast.

const SECOND_MS = 20;
const MARKER = '<!-- migrate-check:0123456789ab -->';
const LIST = 'GET /repos/acme/shop/issues/7/comments';
const POST = 'POST /repos/acme/shop/issues/7/comments';
const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

async function upsert(options: Parameters<typeof fakeGitHub>[0], body = `${MARKER}\nreport`, fallback?: () => string) {
  const github = await fakeGitHub(options);
  const log: string[] = [];
  const started = Date.now();
  try {
    const outcome = await upsertComment(
      { apiUrl: github.url, token: 'test-token', owner: 'acme', repo: 'shop', issue: 7 },
      MARKER,
      body,
      fallback,
      {
        secondMs: SECOND_MS,
        log: (m) => log.push(m),
      },
    ).catch((error: unknown) => error);
    return { outcome, github, log, elapsed: Date.now() - started };
  } finally {
    await github.close();
  }
}

/** Answers the first calls that `match` with `refusals`, in order. */
function first(match: (c: Call) => boolean, ...refusals: Refusal[]) {
  return (c: Call) => (match(c) ? refusals.shift() : undefined);
}
const isList = (c: Call) => c.method === 'GET' && c.url.includes('/comments');
const isPost = (c: Call) => c.method === 'POST';

test('a 502 while listing: the page is asked again and the comment created', async () => {
  const { outcome, github } = await upsert({ before: first(isList, { status: 502, message: 'Bad Gateway' }) });
  assert.equal((outcome as { action: string }).action, 'created');
  assert.deepEqual(github.summary(), ['GET /user', LIST, LIST, POST]);
  assert.equal(github.calls.at(-1)!.auth, 'token test-token');
});

test('a 429 secondary rate limit with retry-after: waits that long, then writes once', async () => {
  const { outcome, github, log, elapsed } = await upsert({
    before: first(isPost, { status: 429, message: SECONDARY, headers: { 'retry-after': '5' } }),
  });
  assert.equal((outcome as { action: string }).action, 'created');
  assert.deepEqual(github.summary(), ['GET /user', LIST, POST, POST]);
  assert.equal(github.comments.length, 1);
  assert.ok(elapsed >= 5 * SECOND_MS, `waited ${elapsed} ms for retry-after: 5`);
  assert.match(log.join('\n'), /secondary rate limit for POST .*: retrying in 5 s/);
});

test('a 403 secondary rate limit with retry-after is waited out, not taken for a read-only token', async () => {
  const { outcome, github, log, elapsed } = await upsert({
    before: first(isList, { status: 403, message: SECONDARY, headers: { 'retry-after': '3' } }),
  });
  assert.equal((outcome as { action: string }).action, 'created');
  assert.deepEqual(github.summary(), ['GET /user', LIST, LIST, POST]);
  assert.ok(elapsed >= 3 * SECOND_MS, `waited ${elapsed} ms for retry-after: 3`);
  assert.match(log.join('\n'), /retrying in 3 s/);
});

test('a rate limit that resets in an hour: no waiting, an error that says so', async () => {
  const reset = String(Math.floor(Date.now() / 1000) + 3600);
  const limited = {
    status: 403,
    message: 'API rate limit exceeded for installation.',
    headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
  };
  const { outcome, github, log } = await upsert({ before: first(isList, limited) });
  assert.ok(outcome instanceof GitHubError, String(outcome));
  assert.match(outcome.message, /^GET \/repos\/acme\/shop\/issues\/7\/comments: 403 API rate limit exceeded/);
  assert.deepEqual(github.summary(), ['GET /user', LIST]);
  assert.match(log.join('\n'), /rate limit for GET .* lifts in 360\d s, longer than the 60 s this step waits/);
});

test('5xx that persists: four attempts (1, 4, 9 s apart), then an error naming the call', async () => {
  const down = { status: 503, message: 'Service Unavailable' };
  const { outcome, github, elapsed } = await upsert({ before: first(isList, down, down, down, down, down) });
  assert.ok(outcome instanceof GitHubError, String(outcome));
  assert.equal(outcome.status, 503);
  assert.match(outcome.message, /^GET \/repos\/acme\/shop\/issues\/7\/comments: 503 Service Unavailable$/);
  assert.deepEqual(github.summary(), ['GET /user', LIST, LIST, LIST, LIST]);
  assert.ok(elapsed >= 14 * SECOND_MS, `backed off ${elapsed} ms`);
});

test('a read-only token (403) and a missing pull request (404) are answers: forbidden, asked once', async () => {
  const readOnly = await upsert({ writes: () => ({ status: 403, message: 'Resource not accessible by integration' }) });
  assert.deepEqual(readOnly.outcome, {
    action: 'forbidden',
    status: 403,
    message: `${POST}: 403 Resource not accessible by integration`,
  });
  assert.deepEqual(readOnly.github.summary(), ['GET /user', LIST, POST]);
  const gone = await upsert({ before: first(isList, { status: 404, message: 'Not Found' }) });
  assert.deepEqual(gone.outcome, { action: 'forbidden', status: 404, message: `${LIST}: 404 Not Found` });
  assert.deepEqual(gone.github.summary(), ['GET /user', LIST]);
});

test('422 for the size: the shorter tier is posted; without one, too-large and no second try', async () => {
  const tooLong = (body: string) =>
    body.length > 100 ? { status: 422, message: 'Body is too long (maximum is 100 characters)' } : null;
  const long = `${MARKER}\n${'x'.repeat(200)}`;
  const shorter = await upsert({ writes: tooLong }, long, () => `${MARKER}\nshort`);
  assert.equal((shorter.outcome as { action: string }).action, 'created');
  assert.deepEqual(shorter.github.summary(), ['GET /user', LIST, POST, POST]);
  assert.deepEqual(
    shorter.github.comments.map((c) => c.body),
    [`${MARKER}\nshort`],
  );
  const none = await upsert({ writes: tooLong }, long);
  assert.deepEqual(none.outcome, {
    action: 'too-large',
    status: 422,
    message: `${POST}: 422 Body is too long (maximum is 100 characters)`,
  });
  assert.deepEqual(none.github.summary(), ['GET /user', LIST, POST]);
});

test('a personal token: its own comment, found on page 2 by marker and login, is the one updated', async () => {
  const comments: FakeComment[] = Array.from({ length: 150 }, (_, i) => ({
    id: i + 1,
    body: i === 20 ? `${MARKER}\na look-alike` : i === 120 ? `${MARKER}\nold report` : `comment ${i}`,
    user:
      i === 20
        ? { login: 'github-actions[bot]', type: 'Bot' }
        : i === 120
          ? { login: 'dev', type: 'User' }
          : { login: 'someone', type: 'User' },
    html_url: `https://github.com/acme/shop/pull/7#issuecomment-${i + 1}`,
  }));
  const updated = await upsert({ login: 'dev', comments });
  assert.deepEqual(updated.outcome, {
    action: 'updated',
    id: 121,
    url: 'https://github.com/acme/shop/pull/7#issuecomment-121',
  });
  assert.deepEqual(updated.github.summary(), [
    'GET /user',
    LIST,
    `${LIST}?page=2`,
    'PATCH /repos/acme/shop/issues/comments/121',
  ]);
  assert.equal(comments[20]!.body, `${MARKER}\na look-alike`, "another identity's comment untouched");
  const same = await upsert({ login: 'dev', comments });
  assert.equal((same.outcome as { action: string }).action, 'unchanged');
  assert.deepEqual(same.github.summary(), ['GET /user', LIST, `${LIST}?page=2`], 'no write for an unchanged body');
});

test('an API that cannot be reached: retried like a 5xx, then an error with the cause', async () => {
  const github = await fakeGitHub();
  await github.close(); // nothing listens on its port any more
  const outcome = await upsertComment(
    { apiUrl: github.url, token: 't', owner: 'acme', repo: 'shop', issue: 7 },
    MARKER,
    'b',
    undefined,
    { secondMs: 1 },
  ).catch((e: unknown) => e);
  assert.ok(outcome instanceof GitHubError, String(outcome));
  assert.match(outcome.message, /^GET \/repos\/acme\/shop\/issues\/7\/comments: 500 .*ECONNREFUSED/);
});
