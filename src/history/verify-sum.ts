import { posix } from 'node:path';
import type { DirectoryReader } from '../formats/directory.ts';
import type { MigrationSet, Problem } from '../migration.ts';
import { atlasSum, parseSum, SUM_FILE, sumEntries, total } from './sum.ts';

/**
 * Checks `migrate-check.sum` (and Atlas' `atlas.sum`) against the files, when the folder has
 * one: a missing entry, a stale one, an edited file (line-ending-only changes named as such),
 * or a total that no longer matches. Teams without a base ref (local runs, other CIs) detect
 * edited history this way.
 */
export async function verifySums(set: MigrationSet, reader: DirectoryReader): Promise<Problem[]> {
  const listing = await reader.list();
  const problems: Problem[] = [];
  const problem = (file: string, message: string, help: string, line: number | null = null) =>
    problems.push({ check: 'sum-file', file: posix.join(reader.path, file), line, message, help });
  const regenerate = `Run \`npx migrate-check hash ${reader.path}\` and commit ${SUM_FILE}.`;

  if (listing.includes(SUM_FILE)) {
    const sum = parseSum(await reader.read(SUM_FILE));
    for (const bad of sum.bad) {
      problem(SUM_FILE, `Line ${bad.line} of ${SUM_FILE} is not a checksum line (${JSON.stringify(bad.text.slice(0, 60))}): a merge conflict, or a hand edit.`, `Do not merge checksum files by hand. ${regenerate}`, bad.line);
    }
    const current = await sumEntries(set, reader);
    const recorded = new Map(sum.entries.map((e) => [e.file, e]));
    let changed = sum.bad.length > 0;
    for (const e of current) {
      const was = recorded.get(e.file);
      if (!was) {
        changed = true;
        problem(e.file, `${e.file} is not in ${SUM_FILE}: the checksum file was not regenerated after adding it.`, regenerate);
      } else if (was.hash !== e.hash) {
        changed = true;
        problem(
          e.file,
          was.text === e.text
            ? `${e.file} differs from its checksum in ${SUM_FILE} only in line endings (CRLF ↔ LF).`
            : `${e.file} differs from its checksum in ${SUM_FILE}: the migration was edited after it was recorded.`,
          was.text === e.text
            ? 'Restore the original line endings (a .gitattributes rule such as `*.sql -text` keeps them); if the change is intended, regenerate the checksums.'
            : `If it is already applied anywhere, revert the edit and put the change in a new migration; otherwise ${regenerate.charAt(0).toLowerCase()}${regenerate.slice(1)}`,
        );
      }
    }
    for (const e of sum.entries) {
      if (!current.some((c) => c.file === e.file)) {
        changed = true;
        problem(SUM_FILE, `${SUM_FILE} lists ${e.file}, which is no longer a migration in this folder (deleted or renamed).`, `Restore the file if it was merged; otherwise ${regenerate.charAt(0).toLowerCase()}${regenerate.slice(1)}`);
      }
    }
    if (!changed && sum.total !== total(current)) {
      problem(SUM_FILE, `The total in ${SUM_FILE} does not match its files (their order changed, or the file was edited by hand).`, regenerate);
    }
  }

  if (listing.includes('atlas.sum')) {
    const lines = (await reader.read('atlas.sum')).split(/\r?\n/).filter(Boolean);
    const sqlFiles = listing.filter((f) => !f.includes('/') && f.endsWith('.sql')).sort();
    const expected = atlasSum(await Promise.all(sqlFiles.map(async (name) => ({ name, content: await reader.read(name) }))));
    const want = [expected.total, ...expected.files.map((f) => `${f.name} ${f.hash}`)];
    // Each line is a running hash: after the first file that differs, all differ. Name that one.
    const firstFile = expected.files.findIndex((f, i) => lines[i + 1] !== `${f.name} ${f.hash}`);
    if (firstFile >= 0 || lines[0] !== expected.total || lines.length !== want.length) {
      const file = firstFile >= 0 ? expected.files[firstFile]!.name : 'atlas.sum';
      problem(
        file,
        `atlas.sum does not match the migration files${firstFile >= 0 ? ` from ${file} on` : ''}: Atlas refuses to run with "checksum mismatch".`,
        'Run `atlas migrate hash` and commit atlas.sum; if a merged migration was edited, revert it and add a new one.',
      );
    }
  }
  return problems;
}
