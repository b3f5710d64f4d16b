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

export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    let offset = 0;
    // Find the first offending byte so the message can point at it.
    for (let end = 1; end <= bytes.length; end++) {
      try {
        utf8.decode(bytes.subarray(offset, end), { stream: true });
      } catch {
        break;
      }
      offset = end;
    }
    const byte = bytes[offset] ?? 0;
    throw new InputError(
      `${where} is not valid UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')} at offset ${offset}). ` +
        'Postgres reads migrations as UTF-8: re-save the file with UTF-8 encoding.',
    );
  }
}

export function fsDirectory(path: string): DirectoryReader {
  return {
    path,
    async list() {
      let entries;
      try {
        entries = await readdir(path, { recursive: true, withFileTypes: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code})`;
        throw new InputError(`Migration directory \`${path}\` ${why}. Pass the folder that holds your migration files.`);
      }
      return entries
        .filter((e) => e.isFile())
        .map((e) => posix.join(...join(e.parentPath.slice(path.length), e.name).split(/[\\/]/).filter(Boolean)))
        .sort();
    },
    async read(file) {
      return decodeUtf8(await readFile(join(path, file)), posix.join(path, file));
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
