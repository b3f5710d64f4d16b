import type { Report } from '../report/report.ts';
import { githubClient, type ClientOptions } from './client.ts';
import type { CommentTarget } from './comment.ts';

/**
 * The generated fixes as pull request review comments: one per down that does not restore the
 * schema, on its last line, with a `suggestion` that appends the SQL. Each carries a hidden
 * marker naming its file, so a later push updates it (or moves it to the file's new last line)
 * instead of adding another, and removes it once the down restores the schema.
 */

/** One review comment to hold: where, and what it says. */
export interface Suggestion {
  path: string;
  line: number;
  body: string;
}

const MARK = 'migrate-check:fix';
const markerOf = (path: string) => `<!-- ${MARK} ${encodeURIComponent(path)} -->`;

/** A fence longer than any backtick run in the text, for the suggestion block. */
const fence = (text: string) => '`'.repeat(Math.max(3, ...(text.match(/`+/g) ?? []).map((r) => r.length + 1)));

/** The suggestions a report holds: the downs with generated SQL and a known last line. */
export function suggestionsOf(report: Report): Suggestion[] {
  return report.directories.flatMap((dir) =>
    (dir.restore ?? []).flatMap((r) => {
      if (!r.sql || !r.end) return [];
      const content = `${r.end.text}\n${r.sql}`;
      const f = fence(content);
      const gaps = r.unsupported.length
        ? `\n\nNo statement was generated for: ${r.unsupported.map((u) => `\`${u.replace(/`/g, "'")}\``).join(', ')}.`
        : '';
      const body = [
        markerOf(r.file),
        `**migrate-check**: this down does not restore the schema from before its up. ` +
          'Adding these statements at its end would:',
        '',
        `${f}suggestion`,
        content,
        f,
        '',
        '<sub>Generated from the schema before the up and after the down, not from your intent: ' +
          `read it before you commit it.${gaps}</sub>`,
      ].join('\n');
      return [{ path: r.file, line: r.end.line, body }];
    }),
  );
}

export interface ReviewOutcome {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Suggestions GitHub refused (a line outside the PR's diff …), with its message. */
  refused: { path: string; message: string }[];
}

interface ReviewComment {
  id: number;
  body?: string;
  path?: string;
  line?: number | null;
  user?: { login?: string } | null;
}

/**
 * Makes the PR's review comments from migrate-check match `suggestions` at `commit`. A
 * suggestion GitHub refuses is reported and the others go on; other failures throw.
 */
export async function syncSuggestions(
  target: CommentTarget,
  commit: string,
  suggestions: readonly Suggestion[],
  client: Pick<ClientOptions, 'secondMs' | 'log'> = {},
): Promise<ReviewOutcome> {
  const octokit = await githubClient({ apiUrl: target.apiUrl, token: target.token, ...client });
  const { owner, repo, issue: pull_number } = target;
  let me = 'github-actions[bot]';
  try {
    me = (await octokit.rest.users.getAuthenticated({ request: { retries: 0 } })).data.login;
  } catch {
    // The workflow token cannot call GET /user: it writes as github-actions[bot].
  }
  const ours: ReviewComment[] = [];
  const list = octokit.rest.pulls.listReviewComments;
  for await (const page of octokit.paginate.iterator(list, { owner, repo, pull_number, per_page: 100 }))
    ours.push(...page.data.filter((c: ReviewComment) => c.body?.startsWith(`<!-- ${MARK} `) && c.user?.login === me));
  const outcome: ReviewOutcome = { created: 0, updated: 0, unchanged: 0, deleted: 0, refused: [] };
  const refused = (path: string, error: unknown) => {
    const status = (error as { status?: number }).status;
    if (status !== 422 && status !== 404 && status !== 403) throw error;
    outcome.refused.push({ path, message: error instanceof Error ? error.message : String(error) });
  };
  const kept = new Set<number>();
  for (const s of suggestions) {
    const existing = ours.find((c) => c.body?.startsWith(markerOf(s.path)));
    try {
      if (existing && existing.line === s.line && existing.path === s.path) {
        kept.add(existing.id);
        if (existing.body === s.body) outcome.unchanged++;
        else {
          await octokit.rest.pulls.updateReviewComment({ owner, repo, comment_id: existing.id, body: s.body });
          outcome.updated++;
        }
        continue;
      }
      await octokit.rest.pulls.createReviewComment({
        owner,
        repo,
        pull_number,
        commit_id: commit,
        path: s.path,
        line: s.line,
        side: 'RIGHT',
        body: s.body,
      });
      outcome.created++;
    } catch (error) {
      refused(s.path, error);
    }
  }
  // A suggestion for a down that now restores the schema, or one that moved, goes.
  for (const c of ours.filter((c) => !kept.has(c.id))) {
    await octokit.rest.pulls.deleteReviewComment({ owner, repo, comment_id: c.id }).catch((e) => refused(c.path!, e));
    outcome.deleted++;
  }
  return outcome;
}
