import { parse } from 'yaml';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runAction as runActionInProcess } from '../src/action.ts';
import type { EmbeddedServer } from '../src/database/embedded.ts';
import { inTurn } from './cli-in-process.ts';
import { ROOT } from './helpers.ts';

/** A comment as GitHub's REST API returns it. */
export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  html_url: string;
}

export interface Call {
  method: string;
  url: string;
  auth: string | undefined;
  body?: { body?: string; path?: string; line?: number; commit_id?: string; side?: string };
}

/** A pull request review comment (on a line of a file), as the REST API returns it. */
export interface FakeReviewComment extends FakeComment {
  path: string;
  line: number;
  commit_id: string;
}

/** An answer other than the endpoint's own: an error status, its message and headers. */
export interface Refusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for the few GitHub REST endpoints the Action uses:
 * list (paginated, with `link` headers), create and update issue comments, and `GET /user`
 * (refused, as for the workflow token, unless `login` names a personal token's user).
 * It records every call. `writes` can refuse writes the way GitHub does (403 for a read-only
 * token, 422 for a body over the limit); `before` can answer any call first (5xx, rate limits).
 */
export async function fakeGitHub(
  options: {
    comments?: FakeComment[];
    login?: string;
    writes?: (body: string) => Refusal | null;
    before?: (call: Call) => Refusal | null | undefined;
  } = {},
) {
  const comments: FakeComment[] = options.comments ?? [];
  const reviewComments: FakeReviewComment[] = [];
  const calls: Call[] = [];
  let nextId = 10_000;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Call['body']) : undefined;
      calls.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, ...(body ? { body } : {}) });
      const url = new URL(req.url!, 'http://127.0.0.1');
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      const refused = options.before?.(calls.at(-1)!);
      if (refused) return send(refused.status, { message: refused.message }, refused.headers);
      if (req.method === 'GET' && url.pathname === '/user') {
        return options.login
          ? send(200, { login: options.login })
          : send(403, { message: 'Resource not accessible by integration' });
      }
      const list = /^\/repos\/acme\/shop\/issues\/(\d+)\/comments$/.exec(url.pathname);
      if (list && req.method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const last = Math.max(1, Math.ceil(comments.length / perPage));
        const link: Record<string, string> =
          page < last
            ? {
                link: `<${address}/repos/acme/shop/issues/${list[1]}/comments?per_page=${perPage}&page=${page + 1}>; rel="next", <${address}/repos/acme/shop/issues/${list[1]}/comments?per_page=${perPage}&page=${last}>; rel="last"`,
              }
            : {};
        return send(200, comments.slice((page - 1) * perPage, page * perPage), link);
      }
      if (list && req.method === 'POST') {
        const refused = options.writes?.(body?.body ?? '');
        if (refused) return send(refused.status, { message: refused.message }, refused.headers);
        const user = options.login
          ? { login: options.login, type: 'User' }
          : { login: 'github-actions[bot]', type: 'Bot' };
        const comment = {
          id: nextId++,
          body: body?.body ?? '',
          user,
          html_url: `https://github.com/acme/shop/pull/${list[1]}#issuecomment-${nextId}`,
        };
        comments.push(comment);
        return send(201, comment);
      }
      const one = /^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (one && req.method === 'PATCH') {
        const refused = options.writes?.(body?.body ?? '');
        if (refused) return send(refused.status, { message: refused.message }, refused.headers);
        const comment = comments.find((c) => c.id === Number(one[1]));
        if (!comment) return send(404, { message: 'Not Found' });
        comment.body = body?.body ?? '';
        return send(200, comment);
      }
      const reviews = /^\/repos\/acme\/shop\/pulls\/(\d+)\/comments$/.exec(url.pathname);
      if (reviews && req.method === 'GET') return send(200, reviewComments);
      if (reviews && req.method === 'POST') {
        const refused = options.writes?.(body?.body ?? '');
        if (refused) return send(refused.status, { message: refused.message }, refused.headers);
        if (!body?.path || !body.line || !body.commit_id || body.side !== 'RIGHT')
          return send(422, { message: 'Validation Failed' });
        const id = nextId++;
        const user = options.login
          ? { login: options.login, type: 'User' }
          : { login: 'github-actions[bot]', type: 'Bot' };
        const made = {
          id,
          body: body.body ?? '',
          user,
          path: body.path,
          line: body.line,
          commit_id: body.commit_id,
          html_url: `https://github.com/acme/shop/pull/${reviews[1]}#discussion_r${id}`,
        };
        reviewComments.push(made);
        return send(201, made);
      }
      const review = /^\/repos\/acme\/shop\/pulls\/comments\/(\d+)$/.exec(url.pathname);
      const found = review ? reviewComments.find((c) => c.id === Number(review[1])) : undefined;
      if (review && !found) return send(404, { message: 'Not Found' });
      if (review && req.method === 'PATCH') {
        found!.body = body?.body ?? '';
        return send(200, found);
      }
      if (review && req.method === 'DELETE') {
        reviewComments.splice(reviewComments.indexOf(found!), 1);
        res.writeHead(204);
        return res.end();
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: address,
    calls,
    comments,
    reviewComments,
    /** `METHOD /path` of each call, without the query. */
    summary: () =>
      calls.map((c) => {
        const page = new URL(c.url, address).searchParams.get('page');
        return `${c.method} ${c.url.split('?')[0]}${page ? `?page=${page}` : ''}`;
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ActionRun {
  code: number | null;
  log: string;
  outputs: Record<string, string>;
  summary: string;
  /** The JSON report the `report` output points at, read before the runner's temp folder goes. */
  report: string | null;
  /** The Action's process id (what labels the container it starts). */
  pid: number | undefined;
}

/** Parses `name<<delimiter\nvalue\ndelimiter` records of a GITHUB_OUTPUT file. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^(.+?)<<(\S+)\n([^]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

/**
 * Runs the Action as the runner does: inputs as `INPUT_*` variables (hyphens kept, every input
 * given as the runner fills defaults), an event payload file, and fresh GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files. By default the bundled Action (`node dist/index.cjs`) in a process of
 * its own; with `server`, its runAction() in this process on that embedded server (see
 * `inProcess`), for the many cases whose subject is what the Action says, not its process.
 */
export async function runAction(options: {
  cwd: string;
  apiUrl: string;
  event: string;
  payload: unknown;
  inputs: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  server?: EmbeddedServer;
}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'mc-action-'));
  try {
    const paths = {
      event: join(dir, 'event.json'),
      output: join(dir, 'output'),
      summary: options.server ? SUMMARY_FILE() : join(dir, 'summary.md'),
    };
    writeFileSync(paths.event, JSON.stringify(options.payload));
    writeFileSync(paths.output, '');
    // The runner passes every input of action.yml, with its default when the workflow sets none.
    const declared = (
      parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }
    ).inputs;
    const defaults = Object.fromEntries(
      Object.entries(declared).map(([name, input]) => [name, String(input.default ?? '')]),
    );
    const inputs = { ...defaults, 'github-token': 'test-token', ...options.inputs };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // The machine's own setup: its temporary folder, the embedded binaries' cache and how to reach Docker.
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) =>
            k === 'TMPDIR' ||
            k === 'MIGRATE_CHECK_CACHE' ||
            k === 'NODE_COMPILE_CACHE' ||
            k.startsWith('DOCKER_') ||
            k.startsWith('TESTCONTAINERS_'),
        ),
      ),
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: options.apiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_EVENT_NAME: options.event,
      GITHUB_EVENT_PATH: paths.event,
      GITHUB_OUTPUT: paths.output,
      GITHUB_STEP_SUMMARY: paths.summary,
      GITHUB_RUN_ID: '1',
      RUNNER_TEMP: dir,
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
      ...options.env,
    };
    const { code, log, pid, summary } = options.server
      ? await inProcess(env, options.cwd, options.server, paths.summary)
      : await inChild(env, options.cwd, paths.summary);
    const outputs = parseOutputs(readFileSync(paths.output, 'utf8'));
    const report = outputs.report ? readFileSync(outputs.report, 'utf8') : null;
    return { code, log, outputs, summary, report, pid };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inChild(env: NodeJS.ProcessEnv, cwd: string, summaryPath: string) {
  writeFileSync(summaryPath, '');
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'index.cjs')], { cwd, env });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d));
  child.stderr.on('data', (d: Buffer) => (log += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, log, pid: child.pid, summary: readFileSync(summaryPath, 'utf8') };
}

/**
 * @actions/core keeps the job summary's path from its first write: the in-process runs of a test
 * file share one summary file, emptied and read inside each run's turn.
 */
let summaryFile: string | undefined;
const SUMMARY_FILE = () => {
  summaryFile ??= join(mkdtempSync(join(tmpdir(), 'mc-action-summary-')), 'summary.md');
  return summaryFile;
};
process.on('exit', () => summaryFile && rmSync(dirname(summaryFile), { recursive: true, force: true }));

/**
 * runAction() in this process, one run at a time (the CLI's in-process runs take turns with it):
 * the process's environment and working directory are the runner's for the run (@actions/core
 * reads inputs, GITHUB_OUTPUT and the summary path from it), what the Action prints is collected,
 * and the exit code it sets is taken back.
 */
function inProcess(env: NodeJS.ProcessEnv, cwd: string, server: EmbeddedServer, summaryPath: string) {
  return inTurn(async () => {
    writeFileSync(summaryPath, '');
    const saved = { env: process.env, write: process.stdout.write, exitCode: process.exitCode, cwd: process.cwd() };
    let log = '';
    process.env = env;
    process.chdir(cwd);
    // Strings are the Action's (and @actions/core's) output; the test runner's own reports to its
    // parent process are serialized buffers, which pass through.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
      typeof chunk === 'string'
        ? ((log += chunk), true)
        : saved.write.call(process.stdout, chunk, ...(rest as []))) as typeof process.stdout.write;
    try {
      const code = await runActionInProcess(env, cwd, server);
      return { code, log, pid: process.pid, summary: readFileSync(summaryPath, 'utf8') };
    } finally {
      process.chdir(saved.cwd);
      process.env = saved.env;
      process.stdout.write = saved.write;
      process.exitCode = saved.exitCode;
    }
  });
}
