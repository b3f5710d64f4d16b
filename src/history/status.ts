import { createTwoFilesPatch } from 'diff';
import { filesOf, type Migration, type MigrationSet } from '../migration.ts';

export type Status = 'unchanged' | 'new' | 'modified' | 'renamed' | 'deleted';

/** One migration compared with the base branch. */
export interface HistoryEntry {
  version: string;
  name: string;
  status: Status;
  /** Files relative to the directory, at the head (empty when deleted). */
  files: string[];
  /** Files relative to the directory, on the base branch (empty when new). */
  baseFiles: string[];
  /** A Flyway repeatable migration (`R__…`): it has no version of its own, and runs after the versioned ones. */
  repeatable?: true;
  /** For modified: a short unified diff per changed file; `lineEndingsOnly` when that is all. */
  changes?: { file: string; change: 'edited' | 'added' | 'deleted'; diff: string; lineEndingsOnly: boolean }[];
}

export interface History {
  /** The ref and commit compared against. */
  base: { ref: string; commit: string };
  /** Head migrations in the tool's order, then the deleted ones. */
  entries: HistoryEntry[];
}

/** Reads a file of a set as it is in its directory (before placeholders are rendered). */
export type ReadFile = (file: string) => Promise<string>;

const normalise = (text: string) => text.replace(/\r\n/g, '\n');

function shortDiff(file: string, before: string, after: string, maxLines = 40): string {
  const patch = createTwoFilesPatch(`base/${file}`, `head/${file}`, normalise(before), normalise(after), '', '', {
    context: 2,
  });
  const lines = patch
    .split('\n')
    .slice(3)
    .filter((l) => l !== '\\ No newline at end of file');
  return lines.length > maxLines
    ? [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`].join('\n')
    : lines.join('\n').trimEnd();
}

/**
 * Compares the head's migrations with the base branch's: same files and content → unchanged;
 * same file names, other content → modified; same content under other names → renamed; the
 * rest are new (head only) or deleted (base only).
 */
export async function compareHistory(
  head: MigrationSet,
  readHead: ReadFile,
  base: MigrationSet,
  readBase: ReadFile,
  ref: { ref: string; commit: string },
): Promise<History> {
  const contents = async (set: MigrationSet, read: ReadFile, m: Migration) =>
    Promise.all(filesOf(set, m).map(async (f) => [f, m.source ?? (await read(f))] as const));
  // A base migration without a file (a drizzle journal entry whose .sql was never committed) was
  // never applied anywhere, since the runner stops at it: it is no history to edit or delete.
  const baseEntries = await Promise.all(
    base.migrations
      .filter((m) => filesOf(base, m).length > 0)
      .map(async (m) => ({ m, files: await contents(base, readBase, m) })),
  );
  const key = (files: readonly (readonly [string, string])[]) => files.map(([, text]) => normalise(text)).join('\0');
  const used = new Set<number>();
  const entries: HistoryEntry[] = [];

  for (const m of head.migrations) {
    const files = await contents(head, readHead, m);
    const names = files.map(([f]) => f);
    const entry = (status: Status, baseFiles: string[] = [], changes?: HistoryEntry['changes']): HistoryEntry => ({
      version: m.version,
      name: m.name,
      status,
      files: names,
      baseFiles,
      ...(m.repeatable ? { repeatable: true as const } : {}),
      ...(changes ? { changes } : {}),
    });
    // Migrations that share a file (Liquibase changesets) pair by version within it.
    const sameName = baseEntries.findIndex(
      (b, i) =>
        !used.has(i) &&
        b.files.some(([f]) => names.includes(f)) &&
        (m.source === undefined || b.m.version === m.version),
    );
    if (sameName >= 0) {
      used.add(sameName);
      const was = baseEntries[sameName]!;
      const changes: NonNullable<HistoryEntry['changes']> = [];
      for (const file of new Set([...names, ...was.files.map(([f]) => f)])) {
        const before = was.files.find(([f]) => f === file)?.[1];
        const after = files.find(([f]) => f === file)?.[1];
        if (before === after) continue;
        const change = before === undefined ? 'added' : after === undefined ? 'deleted' : 'edited';
        changes.push({
          file,
          change,
          diff: shortDiff(file, before ?? '', after ?? ''),
          lineEndingsOnly: normalise(before ?? '') === normalise(after ?? ''),
        });
      }
      entries.push(
        changes.length
          ? entry(
              'modified',
              was.files.map(([f]) => f),
              changes,
            )
          : entry('unchanged', names),
      );
      continue;
    }
    const sameContent = baseEntries.findIndex((b, i) => !used.has(i) && key(b.files) === key(files));
    if (sameContent >= 0) {
      used.add(sameContent);
      entries.push(
        entry(
          'renamed',
          baseEntries[sameContent]!.files.map(([f]) => f),
        ),
      );
      continue;
    }
    entries.push(entry('new'));
  }
  baseEntries.forEach((b, i) => {
    if (!used.has(i))
      entries.push({
        version: b.m.version,
        name: b.m.name,
        status: 'deleted',
        files: [],
        baseFiles: b.files.map(([f]) => f),
        ...(b.m.repeatable ? { repeatable: true as const } : {}),
      });
  });
  return { base: ref, entries };
}
