import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { GitHubError, request } from './comment.ts';

/** A local server answering with the statuses in `script`, in order, then 200. */
async function flaky(script: { status: number; headers?: Record<string, string>; message?: string }[]) {
  const seen: number[] = [];
  const server = http.createServer((_req, res) => {
    const next = script.shift();
    seen.push(next?.status ?? 200);
    res.writeHead(next?.status ?? 200, { 'content-type': 'application/json', ...next?.headers });
    res.end(JSON.stringify(next ? { message: next.message ?? 'error' } : { ok: true }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('GitHub API calls are retried on 5xx and on rate limits, honouring retry-after', async () => {
  const api = await flaky([
    { status: 502 },
    { status: 403, headers: { 'x-ratelimit-remaining': '0', 'retry-after': '1' }, message: 'API rate limit exceeded' },
    { status: 429, headers: { 'retry-after': '1' } },
  ]);
  try {
    const started = Date.now();
    const { data } = await request<{ ok: boolean }>({ apiUrl: api.url, token: 't' }, 'GET', '/x', undefined, { baseDelayMs: 10 });
    assert.deepEqual(data, { ok: true });
    assert.deepEqual(api.seen, [502, 403, 429, 200]);
    assert.ok(Date.now() - started >= 2_000, 'waited as retry-after asked');
  } finally {
    await api.close();
  }
});

test('a permission 403 and a 422 are not retried: they are answers', async () => {
  const api = await flaky([{ status: 403, message: 'Resource not accessible by integration' }, { status: 422, message: 'Body is too long' }]);
  try {
    await assert.rejects(request({ apiUrl: api.url, token: 't' }, 'POST', '/x', {}, { baseDelayMs: 10 }), (e: GitHubError) => e.status === 403);
    await assert.rejects(request({ apiUrl: api.url, token: 't' }, 'POST', '/x', {}, { baseDelayMs: 10 }), (e: GitHubError) => e.status === 422);
    assert.deepEqual(api.seen, [403, 422]);
  } finally {
    await api.close();
  }
});

test('5xx that persists gives up after the attempts, with the status in the error', async () => {
  const api = await flaky([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);
  try {
    await assert.rejects(request({ apiUrl: api.url, token: 't' }, 'GET', '/x', undefined, { baseDelayMs: 5 }), /GET \/x: 503/);
    assert.equal(api.seen.length, 4);
  } finally {
    await api.close();
  }
});
