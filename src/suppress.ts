import type { Finding } from './checks/check.ts';
import { checks } from './checks/index.ts';
import { ConfigError } from './errors.ts';

/**
 * A finding silenced in its file, with the reason the author wrote; or, with `onBase`, one on a
 * merged migration the pull request does not change (pipeline/judge.ts), with that as its reason.
 */
export interface Suppressed extends Finding {
  reason: string;
  onBase?: true;
}

const MARKER = /--\s*migrate-check:ignore\b(.*)$/gm;

/**
 * `-- migrate-check:ignore <check-id> <reason>` anywhere in a migration file silences that
 * check for that migration's files (its up and its down). The reason is required: a marker
 * without one, or naming a check that does not exist, stops the run with the file and line (a
 * silent typo would hide nothing).
 */
export function readSuppressions(file: string, text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of text.matchAll(MARKER)) {
    const line = text.slice(0, match.index).split('\n').length;
    const [id = '', ...words] = match[1]!.trim().split(/\s+/).filter(Boolean);
    const where = `${file}:${line}`;
    if (!checks.some((c) => c.id === id)) {
      throw new ConfigError(
        `${where}: \`migrate-check:ignore\` names ${id ? `unknown check \`${id}\`` : 'no check'}. Write ` +
          `\`-- migrate-check:ignore <check-id> <reason>\` with one of: ${checks.map((c) => c.id).join(', ')}.`,
      );
    }
    if (words.length === 0) {
      throw new ConfigError(
        `${where}: \`migrate-check:ignore ${id}\` needs a reason after the check id, ` +
          `e.g. \`-- migrate-check:ignore ${id} irreversible by design, see ADR-12\`.`,
      );
    }
    out.set(id, words.join(' '));
  }
  return out;
}

/** Splits findings into those that stand and those their file suppresses. */
export function applySuppressions(
  findings: readonly Finding[],
  byFile: ReadonlyMap<string, ReadonlyMap<string, string>>,
): { kept: Finding[]; suppressed: Suppressed[] } {
  const kept: Finding[] = [];
  const suppressed: Suppressed[] = [];
  for (const f of findings) {
    const reason = f.file ? byFile.get(f.file)?.get(f.check) : undefined;
    if (reason === undefined) kept.push(f);
    else suppressed.push({ ...f, reason });
  }
  return { kept, suppressed };
}
