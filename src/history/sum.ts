import { createHash } from 'node:crypto';
import { filesOf, type MigrationSet } from '../migration.ts';
import type { DirectoryReader } from '../formats/directory.ts';

/** The checksum file `migrate-check hash` writes into a migration folder. */
export const SUM_FILE = 'migrate-check.sum';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const lf = (text: string) => text.replace(/\r\n/g, '\n');

export interface SumEntry {
  file: string;
  /** SHA-256 of the file's exact bytes. */
  hash: string;
  /** SHA-256 of the text with CRLF turned into LF: tells a line-ending change from an edit. */
  text: string;
}

/** The entries of a sum: every migration file of the set, relative to the folder, in the tool's order. */
export async function sumEntries(set: MigrationSet, reader: DirectoryReader): Promise<SumEntry[]> {
  const files = [...new Set(set.migrations.flatMap((m) => filesOf(set, m)))];
  return Promise.all(files.map(async (f) => entry(f, await reader.read(f))));
}

export function entry(file: string, content: string): SumEntry {
  return { file, hash: sha256(content), text: sha256(lf(content)).slice(0, 16) };
}

/**
 * A running hash over every entry in order: adding, removing, reordering or editing any file
 * changes it, so two branches that each add a migration both change this line and conflict
 * in git, as Atlas' atlas.sum does.
 */
export function total(entries: readonly SumEntry[]): string {
  const h = createHash('sha256');
  for (const e of entries) h.update(`${e.file}\0${e.hash}\n`);
  return h.digest('hex');
}

export function renderSum(entries: readonly SumEntry[]): string {
  return [
    `# Checksums of this folder's migrations. Regenerate with \`npx migrate-check hash <folder>\`; never edit by hand.`,
    `total sha256:${total(entries)}`,
    ...entries.map((e) => `${e.file} sha256:${e.hash} text:${e.text}`),
    '',
  ].join('\n');
}

export interface ParsedSum {
  total: string | null;
  entries: SumEntry[];
  /** Lines that are not in the format (a merge conflict marker, a hand edit), with their numbers. */
  bad: { line: number; text: string }[];
}

export function parseSum(text: string): ParsedSum {
  const out: ParsedSum = { total: null, entries: [], bad: [] };
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.startsWith('#')) return;
    const t = /^total sha256:([0-9a-f]{64})$/.exec(line);
    if (t) return void (out.total = t[1]!);
    const e = /^(.+) sha256:([0-9a-f]{64}) text:([0-9a-f]{16})$/.exec(line);
    if (e) return void out.entries.push({ file: e[1]!, hash: e[2]!, text: e[3]! });
    out.bad.push({ line: i + 1, text: line });
  });
  return out;
}

/**
 * Atlas' `atlas.sum`: per `.sql` file in name order, `<file> h1:<hash>` where the hash is a
 * running SHA-256 over every file's name and bytes so far; the first line, `h1:<sum>`, is a
 * SHA-256 over each file's name followed by its line's hash (all base64).
 */
export function atlasSum(files: readonly { name: string; content: Buffer | string }[]): { total: string; files: { name: string; hash: string }[] } {
  const running = createHash('sha256');
  const sum = createHash('sha256');
  const out: { name: string; hash: string }[] = [];
  for (const f of files) {
    running.update(f.name);
    running.update(f.content);
    const hash = running.copy().digest('base64');
    sum.update(f.name);
    sum.update(hash);
    out.push({ name: f.name, hash: `h1:${hash}` });
  }
  return { total: `h1:${sum.digest('base64')}`, files: out };
}
