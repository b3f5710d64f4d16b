import { shownFile } from '../migration.ts';
import type { Check, CheckResult, ObservedContext } from './check.ts';
import {
  blocks,
  blocksWrites,
  excerpt,
  judgedSteps,
  lockRecipe,
  modeName,
  rewriteRecipe,
  strength,
  tableLocks,
  timing,
} from './lock-hazards.ts';
import type { LockObservation, StatementObservation } from '../observe/observer.ts';

/** The locks on each table in force while statement `i` runs: taken by it or still held from earlier. */
function inForce(
  locked: readonly { at: StatementObservation; j: number; locks: LockObservation[] }[],
  i: number,
): Map<string, { lock: LockObservation; at: StatementObservation }> {
  const strongest = new Map<string, { lock: LockObservation; at: StatementObservation }>();
  for (const { at, j, locks } of locked) {
    if (j > i) break;
    for (const lock of locks) {
      if (j + lock.heldAcross < i) continue;
      const known = strongest.get(lock.relation);
      if (!known || strength(lock.mode) > strength(known.lock.mode)) strongest.set(lock.relation, { lock, at });
    }
  }
  return strongest;
}

/** What a statement does to a whole table, or null when it works on none of its rows. */
function work(statement: StatementObservation, table: string): string | null {
  if (statement.rewrittenTables.includes(table)) return 'rewrites the whole table';
  if (!statement.scans.includes(table)) return null;
  if (
    /^\s*CREATE\s+(UNIQUE\s+)?INDEX\b/i.test(statement.text) ||
    /\bADD\b[\s\S]*\b(UNIQUE|PRIMARY\s+KEY|EXCLUDE)\b/i.test(statement.text)
  )
    return 'builds an index over every row';
  // What the whole-table read is for, by the statement's kind (its first word, past comments).
  const text = statement.text.replace(/^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*/, '');
  const verb = /^\w+/.exec(text)?.[0].toUpperCase();
  if (verb === 'ALTER') return 'reads every row to validate it';
  // The table an UPDATE or DELETE writes to (another one it reads is only read).
  const target = /^(?:UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?([\w."]+)/i.exec(text)?.[1];
  const writes = target && unquoted(target).split('.').pop() === unquoted(table).split('.').pop();
  if (writes && verb === 'UPDATE') return 'reads every row as it updates the table';
  if (writes && verb === 'DELETE') return 'reads every row as it deletes from the table';
  return 'reads every row';
}

const unquoted = (name: string) => name.replace(/"/g, '');

function finding(
  directory: string,
  step: { file: string; direction: string },
  statement: StatementObservation,
  parts: string[],
  help: string,
  held: { ms: number; projected: number | null }[],
  observed?: ObservedContext,
): CheckResult {
  const limit = observed?.maxLockMs ?? null;
  const over = limit !== null && held.some((h) => Math.max(h.ms, h.projected ?? 0) > limit);
  return {
    file: step.file,
    line: statement.line,
    ...(over ? { severity: 'error' as const } : {}),
    message:
      `${excerpt(statement)} in the ${step.direction} ` +
      `of ${shownFile(directory, step.file)} ${parts.join('; ')}${over ? `, over max-lock-ms (${limit} ms)` : ''}.`,
    help,
  };
}

export const blockingLock: Check = {
  id: 'blocking-lock',
  defaultSeverity: 'warning',
  summary:
    'A statement holds a lock that blocks writes (or reads) on an existing ' +
    'table while it works through the table, or across later statements.',
  run({ set, replay, observed }) {
    const results: CheckResult[] = [];
    for (const step of judgedSteps(replay?.steps)) {
      const statements = step.statements;
      const locked = statements.map((at, j) => ({ at, j, locks: tableLocks(at) })).filter((x) => x.locks.length);
      statements.forEach((statement, i) => {
        // Tables under the same lock for the same reason read as one part of the message.
        const groups = new Map<string, { tables: string[]; text: (names: string, them: string) => string }>();
        const held: { ms: number; projected: number | null }[] = [];
        let across = false;
        for (const [table, { lock, at }] of inForce(locked, i)) {
          if (!blocksWrites(lock.mode)) continue;
          const doing = work(statement, table);
          const taken = at === statement;
          const later = taken ? statements.slice(i + 1, i + 1 + lock.heldAcross) : [];
          // A later statement that works through an existing table while this lock waits for the
          // commit; one that works through this very table is reported on its own line instead.
          const heavy = later.find((s) => (s.scans.length || s.rewrittenTables.length) && !work(s, table));
          if (!doing && !heavy) continue;
          const time = timing('held', lock.heldMs, table, lock.rows, observed?.sizes);
          held.push({ ms: lock.heldMs, projected: time.projectedMs });
          if (heavy && !doing) across = true;
          const key = JSON.stringify([lock.mode, taken ? null : at.line, doing, heavy?.line, time.text]);
          const known = groups.get(key);
          if (known) {
            known.tables.push(table);
            continue;
          }
          groups.set(key, {
            tables: [table],
            text: (names, them) => {
              const how = taken
                ? `takes ${modeName(lock.mode)} on ${names}`
                : `holds ${modeName(lock.mode)} on ${names}, taken at line ${at.line}`;
              const also = heavy
                ? `${doing ? ', and ' : ' and '}holds ${them} while ${later.length} ` +
                  `later statement${later.length === 1 ? ' runs' : 's run'} in ` +
                  `the same transaction (${excerpt(heavy)} at line ${heavy.line})`
                : '';
              return `${how} (${blocks(lock.mode)})${doing ? ` while it ${doing}` : ''}${also}: ${time.text}`;
            },
          });
        }
        const parts = [...groups.values()].map((g) =>
          g.text(g.tables.map((t) => `\`${t}\``).join(' and '), g.tables.length > 1 ? 'them' : 'it'),
        );
        if (!parts.length) return;
        const help =
          across && !statements[i]!.scans.length && !statements[i]!.rewrittenTables.length
            ? 'Move the later statements into a migration of their own (or take this lock last), ' +
              'and set `lock_timeout` first: the lock is held until the transaction commits.'
            : statement.rewrittenTables.length && !/\bTYPE\b/i.test(statement.text)
              ? rewriteRecipe(statement.text)
              : lockRecipe(statement.text, observed?.noTransaction ?? '');
        results.push(finding(set.directory, step, statement, parts, help, held, observed));
      });
    }
    return results;
  },
};
