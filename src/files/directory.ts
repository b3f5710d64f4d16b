import { readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, posix, relative, sep } from 'node:path';
import { ConfigError, InputError, ToolError, errorMessage } from '../errors.ts';
import { looksLikeMigration } from '../formats/common.ts';
import { findPsqlMeta } from '../sql/psql-meta.ts';

/**
 * How formats see a migration directory: a listing and a way to read a file. Injected so
 * that tests can pass files in memory and the history checks can read a git commit.
 */
export interface DirectoryReader {
  /** Display path of the directory, as the user named it. */
  readonly path: string;
  /** Every file below the directory, relative to it, with `/` separators, sorted. */
  list(): Promise<string[]>;
  /** The file's text. Throws InputError when it is not valid UTF-8. */
  read(file: string): Promise<string>;
  /**
   * Entries named like something a format reads that are not regular files (a symbolic link out
   * of the folder, a dangling one, a FIFO, a socket, a folder named `*.sql`), and links to a
   * folder that holds them (a loop). Optional: readers of memory or of a git commit have none.
   */
  special?(): Promise<SpecialEntry[]>;
}

/** An entry of the folder that migrate-check does not read, and what it is. */
export interface SpecialEntry {
  /** Relative to the directory, with `/` separators. */
  file: string;
  /** What it is, in words, e.g. "a symbolic link to /etc/passwd, outside the migration folder". */
  kind: string;
  /** What to do about it, one imperative sentence. */
  fix: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Offset of the first byte that does not start a valid UTF-8 sequence. */
function firstInvalidByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    try {
      utf8.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return bytes.length;
}

const lineAt = (bytes: Uint8Array, offset: number) => bytes.subarray(0, offset).filter((b) => b === 0x0a).length + 1;

export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const offset = firstInvalidByte(bytes);
    throw new InputError(
      `${where} is not valid UTF-8 (byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} ` +
        `at offset ${offset}, ` +
        `line ${lineAt(bytes, offset)}). Postgres reads migrations as UTF-8: re-save the file with UTF-8 encoding.`,
    );
  }
}

/** Names a format may read: SQL, a journal or config beside it, a sum file, or a migration-like name. */
const readByFormats = (name: string) => /\.(sql|json|conf|sum|toml)$/i.test(name) || looksLikeMigration(name);

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** `null` when the entry is read like a regular file; otherwise what it is and what to do. */
async function classify(full: string, entry: Dirent, realRoot: string): Promise<Omit<SpecialEntry, 'file'> | null> {
  if (!entry.isSymbolicLink()) {
    const kind = entry.isFIFO() ? 'a FIFO (named pipe)' : entry.isSocket() ? 'a socket' : 'a device file';
    return { kind, fix: 'remove it, or replace it with the regular file it stands for' };
  }
  const target = await readlink(full).catch(() => '?');
  const real = await realpath(full).catch(() => null);
  const fix = 'replace the link with the file';
  if (real === null) return { kind: `a symbolic link to ${target}, which does not exist`, fix };
  const inside = real.startsWith(realRoot + sep);
  if (!inside) {
    return { kind: `a symbolic link to ${real}, outside the migration folder`, fix };
  }
  const st = await stat(full);
  if (st.isFile()) return null;
  return { kind: `a symbolic link to ${kindOf(st)} (${target})`, fix: 'replace the link with what it points to' };
}

/**
 * A link to a folder that holds the link (`.`, `..`, `/`): a tool that follows links to folders
 * walks the migrations again through it, without end. `null` for any other entry: a link to an
 * unrelated folder (`docs`, `node_modules`) is not followed and does no harm.
 */
async function loopOf(full: string, realDir: string): Promise<Omit<SpecialEntry, 'file'> | null> {
  const real = await realpath(full).catch(() => null);
  if (real === null || !(await stat(real).catch(() => null))?.isDirectory()) return null;
  const holds = realDir === real || realDir.startsWith(real.endsWith(sep) ? real : real + sep);
  if (!holds) return null;
  const target = await readlink(full).catch(() => real);
  return {
    kind:
      `a symbolic link to ${real === target ? real : `${real} (${target})`}, a folder that holds it ` +
      '(a loop: a tool that follows links to folders would walk the migrations again through it, without end)',
    fix: 'remove the link (migrate-check does not follow links to folders)',
  };
}

/** A filesystem error reading the folder or a file, as a message that names the path and the fix. */
function unreadable(error: unknown, shown: string, what: 'directory' | 'file'): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new InputError(
      `${what === 'directory' ? 'The folder ' : ''}\`${shown}\` cannot be read: permission denied. ` +
        `Make it readable by the user running migrate-check (e.g. chmod -R u+rX ${JSON.stringify(shown)}).`,
    );
  }
  return error;
}

/**
 * The folder on disk. The display path stays as the user typed it (`.`, `./db`, `db/`, an
 * absolute path); file paths in the report are `posix.join(path, file)`, which normalises the
 * spelling (`./db/x.sql` → `db/x.sql`, `.` + `x.sql` → `x.sql`). Listings are relative to the
 * folder however it is spelled.
 *
 * Only regular files are read. A symbolic link to a regular file inside the folder is read as
 * that file; links that leave the folder, dangle or name a folder are not followed (a link to
 * `/` must not make migrate-check walk the disk), and FIFOs are never opened (reading one blocks).
 * Such entries, when named like something a format reads, stop the run with a message
 * (`special()` lists them), as does a link, named anything, to a folder that holds it (a loop:
 * `sub → .`, `up → ..`, `root → /`). Links to other folders (`docs`, `node_modules`) are left
 * alone, and hidden entries (.git, .idea …) are not walked.
 */
/**
 * A file a setting names (a path relative to the working directory), read through `directory`; a
 * file that cannot be read is a ConfigError with `unreadable(reason)` as its message.
 */
export async function readSettingFile(
  file: string,
  directory: (path: string) => DirectoryReader,
  unreadable: (reason: string) => string,
): Promise<string> {
  return directory(dirname(file))
    .read(basename(file))
    .catch((error: unknown) => {
      if (error instanceof ToolError) throw error;
      throw new ConfigError(unreadable(errorMessage(error)));
    });
}

export function fsDirectory(path: string): DirectoryReader {
  // Detection, the format, the checksum check and suppressions all look at the same folder:
  // list it once and read each file once.
  const texts = new Map<string, Promise<string>>();
  let listing: Promise<{ files: string[]; special: SpecialEntry[] }> | undefined;
  const walk = async () => {
    let realRoot: string;
    try {
      realRoot = await realpath(path);
      if (!(await stat(realRoot)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw unreadable(error, path, 'directory');
      const why =
        code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code})`;
      throw new InputError(`Migration directory \`${path}\` ${why}. Pass the folder that holds your migration files.`);
    }
    const files: string[] = [];
    const special: SpecialEntry[] = [];
    const visit = async (dir: string): Promise<void> => {
      const rel = relative(path, dir).split(sep).filter(Boolean).join('/');
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        throw unreadable(error, posix.join(path, rel), 'directory');
      }
      for (const entry of entries) {
        const file = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          // Hidden folders (.git, .idea …) hold no migrations any tool would run.
          if (entry.name.startsWith('.')) continue;
          // A folder named like a migration file is one only when it holds nothing: Prisma's
          // `<timestamp>_<name>/migration.sql` folders may themselves end in `.sql`.
          const before = files.length;
          await visit(join(dir, entry.name));
          if (
            /\.sql$/i.test(entry.name) &&
            files.length === before &&
            !special.some((e) => e.file.startsWith(`${file}/`))
          ) {
            special.push({ file, kind: 'an empty folder', fix: 'remove it, or put the migration file in its place' });
          }
        } else if (entry.isFile()) {
          files.push(file);
        } else if (!entry.name.startsWith('.') && readByFormats(entry.name)) {
          const found = await classify(join(dir, entry.name), entry, realRoot);
          if (found) special.push({ file, ...found });
          else files.push(file);
        } else if (!entry.name.startsWith('.') && entry.isSymbolicLink()) {
          const loop = await loopOf(join(dir, entry.name), await realpath(dir).catch(() => dir));
          if (loop) special.push({ file, ...loop });
        }
      }
    };
    await visit(path);
    return { files: files.sort(), special: special.sort((a, b) => (a.file < b.file ? -1 : 1)) };
  };
  const walked = () => (listing ??= walk());
  return {
    path,
    async list() {
      const { files, special } = await walked();
      if (special.length) {
        throw new InputError(
          special.map((s) => `\`${posix.join(path, s.file)}\` is ${s.kind}: ${s.fix}.`).join('\n') +
            '\nmigrate-check reads only regular files inside the migration folder, as they will be in your repository.',
        );
      }
      return [...files];
    },
    async special() {
      return (await walked()).special.map((s) => ({ ...s }));
    },
    read(file) {
      let text = texts.get(file);
      if (!text) {
        text = readChecked(join(path, file), posix.join(path, file));
        texts.set(file, text);
      }
      return text;
    },
  };
}

/**
 * A file's text, refused (InputError) when no migration tool could run it either: not a regular
 * file, not UTF-8, a NUL byte, or (in `.sql` files) a psql meta-command.
 */
async function readChecked(full: string, shown: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    // Read synchronously: a history of hundreds of small files reads in a few milliseconds so,
    // where the same reads through the thread pool, one after the other, took ~0.7 ms each.
    const st = statSync(full);
    if (!st.isFile()) {
      const what = `\`${shown}\` is ${kindOf(st)}, not a regular file`;
      throw new InputError(`${what}. migrate-check reads only regular files.`);
    }
    bytes = readFileSync(full);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw unreadable(error, shown, 'file');
  }
  const text = decodeUtf8(bytes, shown);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new InputError(
      `\`${shown}\` contains a NUL byte (0x00) at line ${lineAt(bytes, nul)}. Postgres cannot take NUL in SQL text ` +
        '(its protocol ends a query at the first NUL), so your migration tool would fail on this file too. ' +
        'Remove it; a file full of NUL bytes was probably saved as UTF-16: re-save it as UTF-8.',
    );
  }
  if (/\.sql$/i.test(shown)) {
    const meta = findPsqlMeta(text);
    if (meta) {
      throw new InputError(
        `${shown}:${meta.line} starts with the psql meta-command \`${meta.command}\`. psql runs those itself, but a ` +
          'migration tool sends the file to the server, which does not understand them ' +
          '(syntax error at or near "\\"). Write it as SQL (for `\\i`, paste the included file; ' +
          'for `\\set`, the value itself), or run this file with psql.',
      );
    }
  }
  return text;
}

/** A directory held in memory: file name → content. */
export function memoryDirectory(path: string, files: Record<string, string | Uint8Array>): DirectoryReader {
  return {
    path,
    async list() {
      return Object.keys(files).sort();
    },
    async read(file) {
      const content = files[file];
      if (content === undefined) throw new InputError(`${posix.join(path, file)} does not exist.`);
      return typeof content === 'string' ? content : decodeUtf8(content, posix.join(path, file));
    },
  };
}
