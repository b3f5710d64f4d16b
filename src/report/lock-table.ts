import type { Step } from '../replay.ts';
import { modeName, strength } from '../checks/lock-hazards.ts';

/**
 * The compact per-statement table of what the server did, for the statements of a migration's
 * up that did something worth seeing: a lock stronger than plain reads and writes take (SHARE
 * UPDATE EXCLUSIVE and up) on a table that existed before, a rewrite or a full scan.
 */
export function lockTable(step: Step, code: (text: string) => string): string[] {
  const rows = (step.statements ?? []).flatMap((s) => {
    const locks = s.locks.filter((l) => l.kind === 'table' && strength(l.mode) >= strength('ShareUpdateExclusiveLock'));
    if (!locks.length && !s.rewrites.length && !s.scans.length && !s.truncates.length) return [];
    const first = s.text.split('\n')[0]!.trim();
    const held = locks.map((l) => `${modeName(l.mode)} ${code(l.relation)} ${l.heldMs} ms`).join('<br>') || '—';
    const list = (names: string[]) => (names.length ? names.map(code).join(', ') : '—');
    return [
      `| ${s.line} | ${code(first.length > 60 ? `${first.slice(0, 59)}…` : first)} | ${held} | ` +
        `${list([...s.rewrites, ...s.truncates.map((t) => `${t} (truncated)`)])} | ` +
        `${list(s.scans)} | ${s.durationMs} |`,
    ];
  });
  if (!rows.length) return [];
  return [
    '| Line | Statement | Lock held (until commit) | Rewritten | Scanned | ms |',
    '|---|---|---|---|---|---|',
    ...rows,
  ];
}
