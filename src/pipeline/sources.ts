import { posix } from 'node:path';
import type { DirectoryReader } from '../files/directory.ts';
import type { Excerpt, Report } from '../report/report.ts';

/** Lines shown before and after the line a finding names. */
const AROUND = 2;
/** Excerpts kept per directory: enough for every finding a reader looks at one by one. */
const MOST = 50;

/**
 * The Report with the lines of its files that its renderers show: a few lines around each line a
 * finding names, and the last line of each down that gets a generated fix. A file that cannot be
 * read again (it changed or went away) simply has none.
 */
export async function withSources(report: Report, reader: (path: string) => DirectoryReader): Promise<Report> {
  const directories = [];
  for (const dir of report.directories) {
    const files = reader(dir.path);
    const texts = new Map<string, Promise<string[] | null>>();
    const linesOf = (file: string) => {
      if (!texts.has(file)) {
        const relative = posix.relative(dir.path, file);
        const text = relative.startsWith('..') ? Promise.resolve(null) : files.read(relative).catch(() => null);
        texts.set(
          file,
          text.then((t) => (t === null ? null : t.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n'))),
        );
      }
      return texts.get(file)!;
    };
    const own = new Set([...dir.migrations.flatMap((m) => [m.up, m.down]), ...dir.steps.map((s) => s.file)]);
    const wanted = new Map<string, { file: string; line: number }>();
    for (const f of report.findings)
      if (f.file && f.line && own.has(f.file)) wanted.set(`${f.file}:${f.line}`, { file: f.file, line: f.line });
    const excerpts: Excerpt[] = [];
    for (const { file, line } of [...wanted.values()].slice(0, MOST)) {
      const lines = await linesOf(file);
      if (!lines || line > lines.length) continue;
      const first = Math.max(1, line - AROUND);
      excerpts.push({ file, line, first, lines: lines.slice(first - 1, Math.min(lines.length, line + AROUND)) });
    }
    const restore = [];
    for (const r of dir.restore ?? []) {
      const lines = await linesOf(r.file);
      const last = lines ? lines.findLastIndex((l) => l.trim() !== '') : -1;
      restore.push(last >= 0 ? { ...r, end: { line: last + 1, text: lines![last]! } } : r);
    }
    directories.push({
      ...dir,
      ...(excerpts.length ? { excerpts } : {}),
      ...(restore.length ? { restore } : {}),
    });
  }
  return { ...report, directories };
}
