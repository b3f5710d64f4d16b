import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Report } from '../src/report/report.ts';
import { commentMarker } from '../src/report/markdown.ts';
import { fakeGitHub, runAction, type FakeComment } from './github-fake.ts';
import { dockerUnavailable, labelledContainers, prEvent, repo, sharedServer } from './helpers.ts';

// The Action run as the runner runs it, against a real HTTP server on 127.0.0.1 standing in for
// GitHub's REST API, in git repositories made for each case: the bundle (dist/index.cjs) in a
// process of its own for the first run, a tool error and the container, and runAction() in this
// process, on one embedded server, for the other cases.

const BASE = {
  'db/0001_create_users.up.sql': 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n',
  'db/0001_create_users.down.sql': 'DROP TABLE users;\n',
};
const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function pr(change: (dir: string) => void) {
  const dir = repo(BASE, change);
  made.push(dir);
  return { dir, payload: prEvent(dir) };
}

const addsEmailIndex = (d: string) => {
  writeFileSync(join(d, 'db', '0002_email_index.up.sql'), 'CREATE INDEX users_email_idx ON users (email);\n');
  writeFileSync(join(d, 'db', '0002_email_index.down.sql'), 'DROP INDEX users_email_idx;\n');
};
const inputs = { path: 'db', database: 'embedded' };
const server = sharedServer();
/** The Action in this process on a pull_request event of `payload`, against `github`. */
const onPr = (dir: string, github: { url: string }, payload: unknown, given: Record<string, string> = inputs) =>
  runAction({ server: server(), cwd: dir, apiUrl: github.url, event: 'pull_request', payload, inputs: given });

describe('the Action, end to end against a fake GitHub API', () => {
  test("first run creates one comment; the second updates it, found on page 3 among 250 comments and other bots' look-alikes", async () => {
    const { dir, payload } = pr(addsEmailIndex);
    const github = await fakeGitHub();
    try {
      const first = await runAction({ cwd: dir, apiUrl: github.url, event: 'pull_request', payload, inputs });
      assert.equal(first.code, 0, first.log);
      assert.deepEqual(github.summary(), [
        'GET /user',
        'GET /repos/acme/shop/issues/7/comments',
        'POST /repos/acme/shop/issues/7/comments',
      ]);
      assert.equal(github.calls.at(-1)!.auth, 'token test-token');
      const body = github.comments[0]!.body;
      assert.match(body, /^<!-- migrate-check:[0-9a-f]{12} -->\n### ✅ Migrations are safe to merge/);
      assert.match(body, /- \*\*indexes\*\*: 1 added \(`public\.users_email_idx`\)/);
      // The new index is built under SHARE on an existing table: a warning, with what the server did.
      assert.deepEqual([first.outputs.ok, first.outputs.findings], ['true', '1']);
      assert.match(
        body,
        /\[blocking-lock\]\(.*\) · .*\n.*takes SHARE on .*public\.users.* \(blocks writes\) while it builds an index over every row/,
      );
      assert.match(body, /<summary>Locks, rewrites and scans per statement \(observed on the server\)<\/summary>/);
      assert.equal((JSON.parse(first.report!) as Report & { pullRequest: { number: number } }).pullRequest.number, 7);
      assert.match(first.outputs['schema-diff']!, /schema\.diff$/);
      assert.match(first.summary, /### ✅ Migrations are safe to merge/);

      // 249 other comments before ours, some by other bots carrying our marker and similar text.
      const marker = body.split('\n')[0]!;
      const others: FakeComment[] = Array.from({ length: 249 }, (_, i) => ({
        id: i + 1,
        body: i % 50 === 0 ? `${marker}\n### ✅ Migrations are safe to merge (a copy by another tool)` : `comment ${i}`,
        user: i % 50 === 0 ? { login: 'other-bot[bot]', type: 'Bot' } : { login: 'dev', type: 'User' },
        html_url: '',
      }));
      github.comments.unshift(...others);
      github.calls.length = 0;
      writeFileSync(join(dir, 'db', '0002_email_index.down.sql'), 'SELECT 1;\n'); // the PR now breaks its down
      execFileSync('git', ['commit', '-qam', 'break the down'], { cwd: dir });
      const second = await runAction({ cwd: dir, apiUrl: github.url, event: 'pull_request', payload, inputs });
      assert.equal(second.code, 1, second.log);
      assert.deepEqual(github.summary(), [
        'GET /user',
        'GET /repos/acme/shop/issues/7/comments',
        'GET /repos/acme/shop/issues/7/comments?page=2',
        'GET /repos/acme/shop/issues/7/comments?page=3',
        'PATCH /repos/acme/shop/issues/comments/10000',
      ]);
      assert.equal(github.comments.length, 250, 'no second comment');
      assert.match(github.comments.at(-1)!.body, /### ❌ Migrations are not safe to merge: 1 error, 1 warning\n/);
      assert.match(github.comments.at(-1)!.body, /```sql\nDROP INDEX public\.users_email_idx;\n```/);
      assert.ok(
        github.comments.filter((c) => c.user.login === 'other-bot[bot]').every((c) => c.body.includes('another tool')),
        "other bots' comments untouched",
      );
      // Failing → annotations on the right file and line.
      assert.match(
        second.log,
        /^::error file=db\/0002_email_index\.up\.sql,line=1,title=migrate-check up-repeatable::/m,
      );
      assert.match(
        second.log,
        /^::error file=db\/0002_email_index\.down\.sql,title=migrate-check down-reverts-up::index `public\.users_email_idx` is left behind/m,
      );
      assert.equal(second.outputs.ok, 'false');
      // The log: the verdict's counts in words, and the schema diff folded in a group.
      assert.match(second.log, /^::error::Migrations are not safe to merge: 1 error, 1 warning\. See the annotations/m);
      assert.match(second.log, /^::group::Schema diff of db \(base → head\)\n--- base\n[^]*?\n::endgroup::$/m);

      // Fixed again: the same comment turns green instead of disappearing.
      writeFileSync(join(dir, 'db', '0002_email_index.down.sql'), 'DROP INDEX users_email_idx;\n');
      execFileSync('git', ['commit', '-qam', 'fix the down'], { cwd: dir });
      github.calls.length = 0;
      const third = await runAction({ cwd: dir, apiUrl: github.url, event: 'pull_request', payload, inputs });
      assert.equal(third.code, 0);
      assert.equal(github.summary().at(-1), 'PATCH /repos/acme/shop/issues/comments/10000');
      assert.match(github.comments.at(-1)!.body, /### ✅ Migrations are safe to merge/);
    } finally {
      await github.close();
    }
  });

  test('a fork PR (read-only token, 403 on write): a warning, the job summary, and the verdict unchanged', async () => {
    const { dir, payload } = pr(addsEmailIndex);
    const github = await fakeGitHub({
      writes: () => ({ status: 403, message: 'Resource not accessible by integration' }),
    });
    try {
      const run = await onPr(dir, github, payload);
      assert.equal(run.code, 0, run.log);
      assert.match(
        run.log,
        /::warning::The token may not comment on this pull request .*permissions: \{ contents: read, pull-requests: write \}/,
      );
      assert.match(run.summary, /### ✅ Migrations are safe to merge/);
      assert.equal(github.comments.length, 0);
    } finally {
      await github.close();
    }
  });

  test('a report GitHub refuses for its size (422): the shorter tier is posted', async () => {
    const { dir, payload } = pr((d) => {
      const tables = Array.from(
        { length: 300 },
        (_, i) => `CREATE TABLE wide_${i} (id bigint PRIMARY KEY, a text, b text, c text, d int);`,
      ).join('\n');
      writeFileSync(join(d, 'db', '0002_many_tables.up.sql'), tables + '\n');
      writeFileSync(
        join(d, 'db', '0002_many_tables.down.sql'),
        Array.from({ length: 300 }, (_, i) => `DROP TABLE wide_${i};`).join('\n') + '\n',
      );
    });
    const limit = 25_000; // smaller than GitHub's, so that a realistic report crosses it
    const github = await fakeGitHub({
      writes: (body) =>
        body.length > limit ? { status: 422, message: `Body is too long (maximum is ${limit} characters)` } : null,
    });
    try {
      const run = await onPr(dir, github, payload);
      assert.equal(run.code, 0, run.log);
      const posts = github.calls.filter((c) => c.method === 'POST');
      assert.equal(posts.length, 2);
      assert.ok(posts[0]!.body!.body!.length > limit);
      assert.ok(github.comments[0]!.body.length <= 20_000);
      assert.match(github.comments[0]!.body, /^> ✂️ \*\*Shortened to fit 20,000 characters\*\*/m);
      assert.ok(run.summary.length > limit, 'the job summary keeps the full report');
    } finally {
      await github.close();
    }
  });

  test('a push event: the checks run and the summary is written, no comment and no API call', async () => {
    const { dir } = pr(addsEmailIndex);
    const github = await fakeGitHub();
    try {
      const run = await runAction({
        server: server(),
        cwd: dir,
        apiUrl: github.url,
        event: 'push',
        payload: { ref: 'refs/heads/main' },
        inputs,
      });
      assert.equal(run.code, 0, run.log);
      assert.deepEqual(github.calls, []);
      assert.match(run.log, /No pull request in a push event/);
      assert.match(run.summary, /### ✅ Migrations are safe to merge/);
    } finally {
      await github.close();
    }
  });

  test('the config file decides what the workflow leaves unset, though the runner passes every default of action.yml', async () => {
    const { dir } = pr((d) => {
      addsEmailIndex(d);
      writeFileSync(join(d, 'migrate-check.yml'), 'format: sqlx\nfail-on: never\n');
    });
    const github = await fakeGitHub();
    try {
      const run = await runAction({
        server: server(),
        cwd: dir,
        apiUrl: github.url,
        event: 'push',
        payload: { ref: 'refs/heads/main' },
        inputs: { path: 'db', database: 'embedded' },
      });
      assert.equal(run.code, 0, run.log);
      const report = JSON.parse(run.report!) as Report;
      assert.equal(report.directories[0]!.format, 'sqlx');
      assert.equal(report.failOn, 'never');
      // An input the workflow does set still wins over the file.
      const chosen = await runAction({
        server: server(),
        cwd: dir,
        apiUrl: github.url,
        event: 'push',
        payload: { ref: 'refs/heads/main' },
        inputs: { path: 'db', database: 'embedded', format: 'golang-migrate' },
      });
      assert.equal((JSON.parse(chosen.report!) as Report).directories[0]!.format, 'golang-migrate');
    } finally {
      await github.close();
    }
  });

  test('mode: comment posts a report made by an unprivileged run, and refuses one for another commit', async () => {
    const { dir, payload } = pr(addsEmailIndex);
    const github = await fakeGitHub();
    try {
      const check = await runAction({
        server: server(),
        cwd: dir,
        apiUrl: github.url,
        event: 'pull_request',
        payload,
        inputs: { ...inputs, comment: 'false' },
      });
      assert.equal(github.calls.length, 0);
      const reportPath = join(dir, 'artifact.json');
      writeFileSync(reportPath, check.report!);
      const headSha = payload.pull_request.head.sha;
      const posted = await runAction({
        server: server(),
        cwd: dir,
        apiUrl: github.url,
        event: 'workflow_run',
        payload: { workflow_run: { head_sha: headSha } },
        inputs: { mode: 'comment', report: reportPath },
      });
      assert.equal(posted.code, 0, posted.log);
      assert.equal(github.comments.length, 1);
      const wrong = await runAction({
        server: server(),
        cwd: dir,
        apiUrl: github.url,
        event: 'workflow_run',
        payload: { workflow_run: { head_sha: 'f00' } },
        inputs: { mode: 'comment', report: reportPath },
      });
      assert.equal(wrong.code, 2);
      assert.match(wrong.log, /refusing to post a report for another commit/);
    } finally {
      await github.close();
    }
  });

  test('mode: comment merges a folder of shard reports into one comment, and fails on a missing shard', async () => {
    const { dir, payload } = pr((d) => {
      addsEmailIndex(d);
      writeFileSync(join(d, 'db', '0003_orders.up.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY);\n');
      writeFileSync(join(d, 'db', '0003_orders.down.sql'), 'SELECT 1;\n'); // leaves the table behind
    });
    const github = await fakeGitHub();
    const reports = join(dir, 'reports');
    try {
      const jobs = [];
      for (const shard of ['1/2', '2/2']) {
        const job = await runAction({
          server: server(),
          cwd: dir,
          apiUrl: github.url,
          event: 'pull_request',
          payload,
          inputs: { ...inputs, comment: 'false', shard },
        });
        assert.equal(job.code, shard === '1/2' ? 0 : 1, job.log);
        jobs.push(job);
      }
      assert.equal(github.calls.length, 0);
      const head = payload.pull_request.head.sha;
      execFileSync('mkdir', ['-p', join(reports, 'shard-1'), join(reports, 'shard-2')]);
      writeFileSync(join(reports, 'shard-1', 'migrate-check-report.json'), jobs[0]!.report!);
      const missing = await runAction({
        server: server(),
        cwd: dir,
        apiUrl: github.url,
        event: 'pull_request',
        payload,
        inputs: { mode: 'comment', report: reports },
      });
      assert.equal(missing.code, 1, missing.log);
      assert.match(github.comments[0]!.body, /### ❌ Migrations are not safe to merge: shard 2\/2 missing/);
      assert.match(github.comments[0]!.body, /not checked because shard 2\/2 is missing/);
      writeFileSync(join(reports, 'shard-2', 'migrate-check-report.json'), jobs[1]!.report!);
      const whole = await runAction({
        server: server(),
        cwd: dir,
        apiUrl: github.url,
        event: 'workflow_run',
        payload: { workflow_run: { head_sha: head } },
        inputs: { mode: 'comment', report: reports },
      });
      assert.equal(whole.code, 1, whole.log);
      assert.equal(github.comments.length, 1, 'one sticky comment, updated');
      const body = github.comments[0]!.body;
      assert.match(body, /### ❌ Migrations are not safe to merge: 1 error, 1 warning/);
      assert.match(body, /down-reverts-up/);
      assert.match(body, /public\.orders/);
      assert.doesNotMatch(body, /missing/);
      assert.match(whole.summary, /Migrations are not safe to merge/);
      assert.match(whole.log, /::error file=db\/0003_orders\.down\.sql/);
    } finally {
      await github.close();
    }
  });

  test('a missing path input: a clear failure, exit 2, no stack trace', async () => {
    const { dir, payload } = pr(() => {});
    const github = await fakeGitHub();
    try {
      const run = await runAction({
        cwd: dir,
        apiUrl: github.url,
        event: 'pull_request',
        payload,
        inputs: { path: '', database: 'embedded' },
      });
      assert.equal(run.code, 2);
      assert.match(run.log, /::error::No migration directory: set the `path` input/);
      assert.doesNotMatch(run.log, /\n\s+at /);
    } finally {
      await github.close();
    }
  });
});

test('the Action picks a Postgres container when Docker is reachable, and removes it', {
  skip: dockerUnavailable(),
}, async () => {
  const { dir, payload } = pr(addsEmailIndex);
  const github = await fakeGitHub();
  try {
    const run = await runAction({
      cwd: dir,
      apiUrl: github.url,
      event: 'pull_request',
      payload,
      inputs: { path: 'db', 'postgres-image': process.env.MIGRATE_CHECK_TEST_IMAGE! },
    });
    assert.equal(run.code, 0, run.log);
    const report = JSON.parse(run.report!) as Report;
    assert.equal(report.postgres.provider, 'container');
    assert.match(run.log, /Starting a .* container/);
    assert.equal(labelledContainers(run.pid), '', 'the container was removed');
    assert.equal(github.comments.length, 1);
  } finally {
    await github.close();
  }
});

describe('a comment that stays true', () => {
  test('the footer names the commit, the base and the run; the comment leaves the timings to the job summary', async () => {
    const { dir, payload } = pr(addsEmailIndex);
    const github = await fakeGitHub();
    try {
      const run = await onPr(dir, github, payload);
      assert.equal(run.code, 0, run.log);
      const body = github.comments[0]!.body;
      const [head, base] = [payload.pull_request.head.sha.slice(0, 7), payload.pull_request.base.sha.slice(0, 7)];
      assert.match(
        body,
        new RegExp(
          `<sub>commit \`${head}\` · base \`${base}\` · Postgres .* · \\[run\\]\\(https://github\\.com/acme/shop/actions/runs/1\\)</sub>`,
        ),
      );
      assert.doesNotMatch(body, /Steps and timings/);
      assert.match(run.summary, /Steps and timings/);
    } finally {
      await github.close();
    }
  });

  test('when the tool cannot run (exit 2), the earlier comment says so and why; with none, none is posted', async () => {
    const { dir, payload } = pr(addsEmailIndex);
    const github = await fakeGitHub();
    try {
      const first = await onPr(dir, github, payload);
      assert.equal(first.code, 0, first.log);
      assert.match(github.comments[0]!.body, /### ✅ Migrations are safe to merge/);
      const broken = { ...inputs, format: 'no-such-format' };
      const second = await onPr(dir, github, payload, broken);
      assert.equal(second.code, 2, second.log);
      assert.equal(github.comments.length, 1);
      const body = github.comments[0]!.body;
      assert.match(body, /^<!-- migrate-check:[0-9a-f]{12} -->\n### ⚠️ migrate-check could not run on this commit\n/);
      assert.match(body, /no-such-format/);
      assert.doesNotMatch(body, /✅/);

      github.comments.length = 0;
      github.calls.length = 0;
      const third = await onPr(dir, github, payload, broken);
      assert.equal(third.code, 2);
      assert.ok(!github.calls.some((c) => c.method === 'POST'), 'no new comment');
    } finally {
      await github.close();
    }
  });

  test('a PR that changes no migration gets no comment; an earlier one says the migrations are no longer changed', async () => {
    const { dir, payload } = pr((d) => writeFileSync(join(d, 'README.md'), 'docs only\n'));
    const github = await fakeGitHub();
    try {
      const run = await onPr(dir, github, payload);
      assert.equal(run.code, 0, run.log);
      assert.ok(!github.calls.some((c) => c.method === 'POST'), 'no comment');
      const marker = JSON.parse(run.report!) as Report;
      github.comments.push({
        id: 5,
        body: `${commentMarker(marker)}\n### ❌ Migrations are not safe to merge: 1 error`,
        user: { login: 'github-actions[bot]', type: 'Bot' },
        html_url: '',
      });
      const again = await onPr(dir, github, payload);
      assert.equal(again.code, 0, again.log);
      assert.equal(github.comments.length, 1);
      assert.match(github.comments[0]!.body, /### ✅ This pull request no longer changes any migration/);
    } finally {
      await github.close();
    }
  });
});

test('review-comments: a generated fix becomes a suggestion on the down, updated across pushes, removed once fixed', async () => {
  const { dir, payload } = pr((d) => {
    writeFileSync(join(d, 'db', '0002_email_index.up.sql'), 'CREATE INDEX users_email_idx ON users (email);\n');
    writeFileSync(join(d, 'db', '0002_email_index.down.sql'), '-- nothing to undo\nSELECT 1;\n');
  });
  const github = await fakeGitHub();
  const withReviews = { ...inputs, 'review-comments': 'true' };
  const push = async (down: string | null) => {
    if (down !== null) {
      writeFileSync(join(dir, 'db', '0002_email_index.down.sql'), down);
      execFileSync('git', ['commit', '-qam', 'push'], { cwd: dir });
    }
    github.calls.length = 0;
    const run = await onPr(dir, github, payload, withReviews);
    return { run, calls: github.summary().filter((c) => c.includes('/pulls/')) };
  };
  try {
    const first = await push(null);
    assert.equal(first.run.code, 1, first.run.log);
    assert.deepEqual(first.calls, ['GET /repos/acme/shop/pulls/7/comments', 'POST /repos/acme/shop/pulls/7/comments']);
    const [made] = github.reviewComments;
    assert.equal(made!.path, 'db/0002_email_index.down.sql');
    assert.equal(made!.line, 2);
    assert.equal(made!.commit_id, payload.pull_request.head.sha);
    assert.match(made!.body, /\n```suggestion\nSELECT 1;\nDROP INDEX public\.users_email_idx;\n```\n/);
    assert.match(made!.body, /Generated from the schema before the up and after the down/);

    // The same run again: nothing to change. A new push that keeps the line: the comment is updated.
    assert.deepEqual((await push(null)).calls, ['GET /repos/acme/shop/pulls/7/comments']);
    const second = await push('-- nothing to undo\nSELECT 2;\n');
    assert.deepEqual(second.calls, [
      'GET /repos/acme/shop/pulls/7/comments',
      `PATCH /repos/acme/shop/pulls/comments/${made!.id}`,
    ]);
    assert.equal(github.reviewComments.length, 1);
    assert.match(github.reviewComments[0]!.body, /```suggestion\nSELECT 2;\nDROP INDEX/);

    const fixed = await push('DROP INDEX users_email_idx;\n');
    assert.equal(fixed.run.code, 0, fixed.run.log);
    assert.deepEqual(fixed.calls.at(-1), `DELETE /repos/acme/shop/pulls/comments/${made!.id}`);
    assert.deepEqual(github.reviewComments, []);
  } finally {
    await github.close();
  }
});
