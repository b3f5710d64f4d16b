import { posix } from 'node:path';
import type { DirectoryReader } from '../files/directory.ts';
import type { MigrationSet, Problem } from '../migration.ts';
import { atlasFileLists, atlasSum, atlasTotal, parseAtlasSum, parseSum, SUM_FILE, sumEntries, total } from './sum.ts';

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
      problem(
        SUM_FILE,
        `Line ${bad.line} of ${SUM_FILE} is not a checksum line ` +
          `(${JSON.stringify(bad.text.slice(0, 60))}): a merge conflict, or a hand edit.`,
        `Do not merge checksum files by hand. ${regenerate}`,
        bad.line,
      );
    }
    const current = await sumEntries(set, reader);
    const recorded = new Map(sum.entries.map((e) => [e.file, e]));
    let changed = sum.bad.length > 0;
    for (const e of current) {
      const was = recorded.get(e.file);
      if (!was) {
        changed = true;
        problem(
          e.file,
          `${e.file} is not in ${SUM_FILE}: the checksum file was not regenerated after adding it.`,
          regenerate,
        );
      } else if (was.hash !== e.hash) {
        changed = true;
        problem(
          e.file,
          was.text === e.text
            ? `${e.file} differs from its checksum in ${SUM_FILE} only in line endings (CRLF ↔ LF).`
            : `${e.file} differs from its checksum in ${SUM_FILE}: the migration was edited after it was recorded.`,
          was.text === e.text
            ? 'Restore the original line endings (a .gitattributes rule such as `*.sql ' +
                '-text` keeps them); if the change is intended, regenerate the checksums.'
            : `If it is already applied anywhere, revert the edit and put the change in a new ` +
                `migration; otherwise ${regenerate.charAt(0).toLowerCase()}${regenerate.slice(1)}`,
        );
      }
    }
    for (const e of sum.entries) {
      if (!current.some((c) => c.file === e.file)) {
        changed = true;
        problem(
          SUM_FILE,
          `${SUM_FILE} lists ${e.file}, which is no longer a migration in this folder (deleted or renamed).`,
          `Restore the file if it was merged; otherwise ${regenerate.charAt(0).toLowerCase()}${regenerate.slice(1)}`,
        );
      }
    }
    if (!changed && sum.total !== total(current)) {
      problem(
        SUM_FILE,
        `The total in ${SUM_FILE} does not match its files (their order changed, or the file was edited by hand).`,
        regenerate,
      );
    }
  }

  if (listing.includes('atlas.sum')) {
    const mismatch = await verifyAtlasSum(set.format, listing, reader);
    const help =
      'Run `atlas migrate hash` and commit atlas.sum; if a merged migration was edited, revert it and add a new one.';
    if (mismatch) problem(mismatch.file, mismatch.message, help);
  }
  return problems;
}

const REFUSES = 'Atlas refuses to run with "checksum mismatch"';

/**
 * atlas.sum against the files, as Atlas' migrate.Validate judges it: the first line must be the
 * sum of the lines below it, and those lines the hashes of the files Atlas reads for the
 * directory's format. A sum written by either Atlas way of hashing the format (see
 * `atlasFileLists`) passes. Otherwise names the first file that differs, and how, or says
 * that the first line alone is wrong.
 */
async function verifyAtlasSum(
  format: string,
  listing: string[],
  reader: DirectoryReader,
): Promise<{ file: string; message: string } | null> {
  const recorded = parseAtlasSum(await reader.read('atlas.sum'));
  const corrupt = (where: string) => ({
    file: 'atlas.sum',
    message: `atlas.sum does not match itself (${where}): ${REFUSES}. It was edited by hand or merged.`,
  });
  if (recorded.bad.length > 0) return corrupt(`line ${recorded.bad[0]} is not a \`<file> h1:<hash>\` line`);
  const key = (e: { name: string; hash: string }) => `${e.name} ${e.hash}`;
  let best: { file: string; message: string; same: number } | null = null;
  for (const names of atlasFileLists(format, listing)) {
    const files = await Promise.all(names.map(async (name) => ({ name, content: await reader.read(name) })));
    const computed = atlasSum(files).files;
    const matches = (i: number) =>
      i < computed.length && i < recorded.entries.length && key(computed[i]!) === key(recorded.entries[i]!);
    let same = 0;
    while (matches(same)) same++;
    if (same === computed.length && same === recorded.entries.length) {
      if (recorded.total === atlasTotal(recorded.entries)) return null;
      return corrupt('its first line is not the sum of the lines below it');
    }
    if (best && best.same >= same) continue;
    // Validate's reasons: the recorded file is gone, was edited in place, or another file came before it.
    const was = recorded.entries[same];
    const now = computed[same];
    const gone = was !== undefined && !computed.some((c) => c.name === was.name);
    const file = gone ? 'atlas.sum' : now!.name;
    const why = gone
      ? `It lists ${was.name}, which is no longer a migration in this folder (deleted or renamed).`
      : now!.name === was?.name
        ? `${now!.name} was edited after it was hashed.`
        : `${now!.name} is not in it: it was added without running \`atlas migrate hash\`.`;
    const from = gone ? was.name : now!.name;
    best = { file, message: `atlas.sum does not match the migration files from ${from} on: ${REFUSES}. ${why}`, same };
  }
  return best && { file: best.file, message: best.message };
}
