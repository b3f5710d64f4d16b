import { createHash } from 'node:crypto';
import { filesOf, type MigrationSet } from '../migration.ts';
import type { DirectoryReader } from '../files/directory.ts';

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

/** One migration file as Atlas reads it: its name (relative to the folder, `/`-separated) and content. */
export interface AtlasFile {
  name: string;
  content: Buffer | string;
}

/** Go's string order: byte by byte. */
const goLess = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0;
const goCompare = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

// As Atlas' reDirective (sql/migrate/dir.go), matched at the start of the file only; Go's `.`
// stops at `\n` alone, so a `\r` before it is part of the argument.
const DIRECTIVE = /^([ -~]*)atlas:(\w+)(?: +([^\n]+))*/;

/**
 * Atlas' `atlas.sum` (NewHashFile, HashFile.Sum, MarshalText): per file in the given order,
 * `<file> h1:<hash>` where the hash is a running SHA-256 over every file's name and bytes so
 * far; the first line, `h1:<sum>`, is a SHA-256 over each entry's name followed by its hash
 * (all base64). A file whose first line is `-- atlas:sum ignore` adds only its name to the
 * running hash and gets no line.
 */
export function atlasSum(files: readonly AtlasFile[]): { total: string; files: { name: string; hash: string }[] } {
  const running = createHash('sha256');
  const out: { name: string; hash: string }[] = [];
  for (const f of files) {
    running.update(f.name);
    const text = typeof f.content === 'string' ? f.content : f.content.toString('latin1');
    const directive = DIRECTIVE.exec(text);
    if (directive?.[2] === 'sum' && directive[3] === 'ignore') continue;
    running.update(f.content);
    out.push({ name: f.name, hash: `h1:${running.copy().digest('base64')}` });
  }
  return { total: atlasTotal(out), files: out };
}

/** HashFile.Sum: the first line of an atlas.sum, from its entries (hashes with their `h1:`). */
export function atlasTotal(entries: readonly { name: string; hash: string }[]): string {
  const sum = createHash('sha256');
  for (const e of entries) {
    sum.update(e.name);
    sum.update(e.hash.replace(/^h1:/, ''));
  }
  return `h1:${sum.digest('base64')}`;
}

/** An atlas.sum as Atlas' HashFile.UnmarshalText reads it (names trimmed; lines without `h1:` are bad). */
export function parseAtlasSum(text: string): {
  total: string;
  entries: { name: string; hash: string }[];
  bad: number[];
} {
  const [first = '', ...rest] = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const entries: { name: string; hash: string }[] = [];
  const bad: number[] = [];
  rest.forEach((line, i) => {
    const at = line.indexOf('h1:');
    if (at < 0) bad.push(i + 2);
    else entries.push({ name: line.slice(0, at).trim(), hash: `h1:${line.slice(at + 3)}` });
  });
  return { total: first.startsWith('h1:') ? first : `h1:${first}`, entries, bad };
}

/** LocalDir.Files (Atlas' own format, goose, dbmate, liquibase): every `*.sql` directly in the folder, by name. */
const localDirFiles = (listing: readonly string[]) =>
  listing.filter((f) => !f.includes('/') && f.endsWith('.sql')).sort(goCompare);

/** GolangMigrateDir.Files: the `*.up.sql` files directly in the folder, by name. */
const golangMigrateFiles = (listing: readonly string[]) => localDirFiles(listing).filter((f) => f.endsWith('.up.sql'));

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** flywayVersion: `V1_1__x.sql` → `1_1`; repeatable migrations have none. */
function flywayVersion(path: string): string {
  const name = base(path);
  if (name[0] === 'R') return '';
  return name
    .replace(/\.sql$/, '')
    .split('__')[0]!
    .slice(1);
}

/** strconv.Atoi as flywayVersionCompare uses it: 0 for what does not parse, clamped to int64. */
function atoi(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) return 0n;
  const n = BigInt(s);
  const max = 0x7fff_ffff_ffff_ffffn;
  return n > max ? max : n < -max - 1n ? -max - 1n : n;
}

function flywayVersionCompare(a: string, b: string): number {
  const parse = (v: string) => v.replaceAll('_', '.').split('.').map(atoi);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

/**
 * FlywayDir.Files: `V`, `B` and `R` files ending in `.sql` anywhere below the folder (outside
 * hidden folders), in fs.WalkDir order through flywayFiles.add: the latest baseline first, then
 * the versioned files after it, then the repeatable ones, each sorted by version.
 * NOTE: ports `add` as written, including its comparisons of versions as strings and of a
 * path with a version; Go's sort.Slice keeps the walk order of equal versions here (all
 * repeatables compare equal, and pdqsort returns an already ordered run untouched).
 */
function flywayFiles(listing: readonly string[]): string[] {
  const walk = listing
    .filter(
      (f) =>
        !f
          .split('/')
          .slice(0, -1)
          .some((dir) => dir.startsWith('.')),
    )
    .sort((a, b) => {
      const [x, y] = [a.split('/'), b.split('/')];
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return goCompare(x[i]!, y[i]!);
      return x.length - y.length;
    });
  let baseline = '';
  let versioned: string[] = [];
  const repeatable: string[] = [];
  for (const path of walk) {
    const name = base(path);
    if (!name.endsWith('.sql') || name.length < 4 || !'VBR'.includes(name[0]!)) continue;
    if (name[0] === 'B') {
      if (baseline !== '' && goLess(flywayVersion(path), flywayVersion(baseline))) continue;
      baseline = path;
      const bv = flywayVersion(baseline);
      versioned = versioned.filter((v) => goLess(bv, v));
    } else if (name[0] === 'V') {
      if (baseline === '' || goLess(flywayVersion(baseline), flywayVersion(path))) versioned.push(path);
    } else {
      repeatable.push(path);
    }
  }
  const byVersion = (a: string, b: string) => flywayVersionCompare(flywayVersion(a), flywayVersion(b));
  return [...(baseline ? [baseline] : []), ...versioned.sort(byVersion), ...repeatable.sort(byVersion)];
}

/**
 * The files Atlas hashes into atlas.sum for a directory of this format, each way Atlas has done
 * it (sql/sqltool): the format's own directory type first, then Atlas' default format (every
 * `*.sql` in the folder). Up to v0.32.0 Atlas hashed golang-migrate and Flyway directories the
 * default way too (their downs and `U` files included); since v0.32.1 it hashes only what the
 * format runs: golang-migrate's ups, Flyway's baseline, versioned and repeatable files.
 */
export function atlasFileLists(format: string, listing: readonly string[]): string[][] {
  const local = localDirFiles(listing);
  const own =
    format === 'golang-migrate' || format === 'sqlx'
      ? golangMigrateFiles(listing)
      : format === 'flyway'
        ? flywayFiles(listing)
        : local;
  return own.join('\0') === local.join('\0') ? [local] : [own, local];
}
