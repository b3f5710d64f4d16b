import { readFile, stat } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { fsDirectory } from '../files/directory.ts';
import { ConfigError } from '../errors.ts';
import { DOCS_BASE } from '../report/docs-url.ts';
import { custom } from './custom.ts';
import { dbmate } from './dbmate.ts';
import { diesel } from './diesel.ts';
import type { DirectoryReader } from '../files/directory.ts';
import { drizzle } from './drizzle.ts';
import { flyway } from './flyway.ts';
import type { Format } from './format.ts';
import { golangMigrate } from './golang-migrate.ts';
import { goose } from './goose.ts';
import { liquibase } from './liquibase.ts';
import { morph } from './morph.ts';
import { nodePgMigrate } from './node-pg-migrate.ts';
import { plain } from './plain.ts';
import { prisma } from './prisma.ts';
import { sqlMigrate } from './sql-migrate.ts';
import { sqitch } from './sqitch.ts';
import { sqlx } from './sqlx.ts';
import { tern } from './tern.ts';

/** Every format migrate-check understands. This list is the registry. */
export const formats: readonly Format[] = [
  golangMigrate,
  goose,
  morph,
  dbmate,
  flyway,
  sqlx,
  sqlMigrate,
  plain,
  prisma,
  drizzle,
  diesel,
  nodePgMigrate,
  tern,
  liquibase,
  sqitch,
  custom,
];

export function formatById(id: string): Format {
  const format = formats.find((f) => f.id === id);
  if (!format) {
    throw new ConfigError(
      `Unknown format \`${id}\`. Choose one of: ${formats.map((f) => f.id).join(', ')}, or \`auto\`.`,
    );
  }
  return format;
}

/** Picks the one format that fits the directory; never guesses between several. */
export async function detectFormat(directory: DirectoryReader): Promise<Format> {
  const files = await directory.list();
  const fits: Format[] = [];
  for (const format of formats) if (await format.detect(directory, files)) fits.push(format);
  // sqlx's files look like golang-migrate's (`.up.sql`, `.down.sql`) or like plain numbered ones,
  // with or without its own marker (-- no-transaction): a Rust crate that depends on sqlx says
  // they are sqlx's.
  const sqlxLike = fits.every((f) => f === golangMigrate || f === plain || f === sqlx);
  if (fits.length && sqlxLike && !(fits.length === 1 && fits[0] === sqlx) && (await crateUsesSqlx(directory.path)))
    return sqlx;
  // morph's files are named as golang-migrate's: its marker in a file, or the Go module that
  // requires it, says they are morph's (which runs each file in a transaction of its own).
  const golangLike = fits.every((f) => f === golangMigrate || f === plain || f === morph);
  if (fits.includes(morph) && golangLike) return morph;
  // The Go module's go.mod, read once, for golang-migrate-named files: morph, or pop instead.
  const modules = golangLike && fits.includes(golangMigrate) ? await requiredModules(directory.path) : null;
  if (modules?.has('github.com/mattermost/morph')) return morph;
  const pop = modules && popInstead(modules);
  if (pop)
    throw new ConfigError(
      `\`${directory.path}\` is named as golang-migrate's files are, but its Go module requires pop (${pop}) and ` +
        'not golang-migrate: pop runs each file in a transaction of its own, after filling in its templates, so ' +
        "golang-migrate's rules would pass what pop fails. Set `format: custom` with the pop recipe in " +
        `${DOCS_BASE.replace(/\/checks$/, '')}/formats.md#custom, or \`--format golang-migrate\` if golang-migrate runs them.`,
    );
  if (fits.length === 1) return fits[0]!;
  if (fits.length === 0) {
    const count = `${files.length} file${files.length === 1 ? '' : 's'}`;
    const below = await subfolderFormats(directory.path, files);
    if (below.length)
      throw new ConfigError(
        `No migration format matched the files of \`${directory.path}\` itself (${count}), but its subfolders hold ` +
          `migrations: ${below.map((b) => `\`${b.path}\` (${b.format})`).join(', ')}. ` +
          `Give the folder to check (e.g. \`${below[0]!.path}\`), or several, one per path.`,
      );
    const examples = formats.map((f) => `${f.id} (${f.looksLike})`).join('; ');
    throw new ConfigError(
      `No migration format matched \`${directory.path}\` (${count}). ` +
        `Files must look like one of: ${examples}. Check the path, or set \`format\` to choose one.`,
    );
  }
  throw new ConfigError(
    `\`${directory.path}\` fits more than one migration ` +
      `format: ${fits.map((f) => `${f.id} (${f.looksLike})`).join('; ')}. ` +
      `Set \`format\` (--format) to the one your runner uses, e.g. \`--format ${(sqlxLike && fits.includes(sqlx) ? sqlx : fits[0]!).id}\`.`,
  );
}

/**
 * The subfolders of a folder on disk (at most 10, one level down) whose files a format fits, and
 * which: a folder that holds one folder per database (`postgres/`, `mysql/`) matches nothing itself.
 */
async function subfolderFormats(path: string, files: readonly string[]): Promise<{ path: string; format: string }[]> {
  if (
    !(await stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return [];
  const names = [...new Set(files.filter((f) => f.includes('/')).map((f) => f.slice(0, f.indexOf('/'))))].sort();
  const found: { path: string; format: string }[] = [];
  for (const name of names.slice(0, 10)) {
    const sub = posix.join(path, name);
    const format = await detectFormat(fsDirectory(sub)).then(
      (f) => f.id,
      () => null,
    );
    if (format) found.push({ path: sub, format });
  }
  // The Postgres one first, for the example.
  return found.sort((a, b) => Number(/postg|\bpg/i.test(b.path)) - Number(/postg|\bpg/i.test(a.path)));
}

/**
 * Whether the crate that holds the directory depends on sqlx: the nearest Cargo.toml in its folder
 * or above it (up to the repository's root, the folder holding `.git`, at most 8 folders up) lists
 * sqlx among its dependencies (`sqlx = …`, `sqlx.workspace = true`, `[dependencies.sqlx]`, a dependency
 * renamed from it, also for a target or dev). A
 * workspace's own table of versions (`[workspace.dependencies]`) is no crate's dependency: a Go
 * service in a Rust monorepo keeps its golang-migrate folder. False for a reader of no folder on disk.
 */
async function crateUsesSqlx(path: string): Promise<boolean> {
  const manifest = await nearest(path, 'Cargo.toml');
  return manifest !== null && dependsOnSqlx(manifest);
}

/** The Go modules the nearest go.mod at or above the folder requires (`github.com/mattermost/morph` …). */
async function requiredModules(path: string): Promise<Set<string>> {
  const manifest = await nearest(path, 'go.mod');
  const required = [...(manifest ?? '').matchAll(/^\s*(?:require\s+)?([\w.-]+\.[\w.-]+\/[^\s]+)\s+v\S+/gm)];
  return new Set(required.map((m) => m[1]!.replace(/\/v\d+$/, '')));
}

/**
 * The pop module of a Go module that requires pop (and not golang-migrate), whose
 * golang-migrate-named files pop runs: each in a transaction of its own, after rendering it as a
 * template, so golang-migrate's rules would pass a lone CREATE INDEX CONCURRENTLY that pop fails.
 */
function popInstead(modules: ReadonlySet<string>): string | null {
  if (modules.has('github.com/golang-migrate/migrate')) return null;
  return ['github.com/gobuffalo/pop', 'github.com/ory/pop'].find((m) => modules.has(m)) ?? null;
}

/**
 * The text of the nearest file `name` in the folder `path` or above it, up to the repository's
 * root (the folder holding `.git`) and at most 8 folders up; null when there is none, or `path`
 * is no folder on disk.
 */
async function nearest(path: string, name: string): Promise<string | null> {
  const found = (p: string, folder: boolean) =>
    stat(p).then(
      (s) => !folder || s.isDirectory(),
      () => false,
    );
  let folder = resolve(path);
  if (!(await found(folder, true))) return null;
  for (let up = 0; up < 8; up++) {
    const text = await readFile(join(folder, name), 'utf8').catch(() => null);
    if (text !== null) return text;
    if (await found(join(folder, '.git'), false)) return null;
    const parent = dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
  return null;
}

const DEPENDENCIES = /^\[(?:target\.[^\]]+\.)?(?:dev-|build-)?dependencies\]$/;
const SQLX_TABLE = /^\[(?:target\.[^\]]+\.)?(?:dev-)?dependencies\.(?:sqlx|"sqlx"|'sqlx')\]$/;
/** `sqlx = …`, `"sqlx" = …`, a dotted key (`sqlx.workspace = true`), or a renamed one (`db = { package = "sqlx" }`). */
const SQLX_KEY = /^(?:sqlx|"sqlx"|'sqlx')\s*[=.]|\bpackage\s*=\s*["']sqlx["']/;

/** Whether a Cargo.toml's dependency tables name sqlx (not sqlx-cli, not sqlx_core). */
function dependsOnSqlx(manifest: string): boolean {
  let inDependencies = false;
  for (const raw of manifest.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line.startsWith('[')) {
      if (SQLX_TABLE.test(line)) return true;
      inDependencies = DEPENDENCIES.test(line);
    } else if (inDependencies && SQLX_KEY.test(line)) return true;
  }
  return false;
}
