import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InputError } from '../errors.ts';

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

export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const offset = firstInvalidByte(bytes);
    const line = bytes.subarray(0, offset).filter((b) => b === 0x0a).length + 1;
    throw new InputError(
      `${where} is not valid UTF-8 (byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at offset ${offset}, line ${line}). ` +
        'Postgres reads migrations as UTF-8: re-save the file with UTF-8 encoding.',
    );
  }
}

export function fsDirectory(path: string): DirectoryReader {
  // Detection, the format, the checksum check and suppressions all look at the same folder:
  // list it once and read each file once.
  const texts = new Map<string, Promise<string>>();
  let listing: Promise<string[]> | undefined;
  const walk = async () => {
    let entries;
    try {
      entries = await readdir(path, { recursive: true, withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code})`;
      throw new InputError(`Migration directory \`${path}\` ${why}. Pass the folder that holds your migration files.`);
    }
    return (
      entries
        .filter((e) => e.isFile())
        .map((e) => posix.join(...join(e.parentPath.slice(path.length), e.name).split(/[\\/]/).filter(Boolean)))
        // Hidden folders (.git, .idea …) hold no migrations any tool would run.
        .filter((f) => !f.split('/').slice(0, -1).some((part) => part.startsWith('.')))
        .sort()
    );
  };
  return {
    path,
    list() {
      listing ??= walk();
      return listing.then((files) => [...files]);
    },
    read(file) {
      let text = texts.get(file);
      if (!text) {
        text = readFile(join(path, file)).then((bytes) => decodeUtf8(bytes, posix.join(path, file)));
        texts.set(file, text);
      }
      return text;
    },
  };
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
