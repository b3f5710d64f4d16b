import { execFile } from 'node:child_process';
import { posix, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.ts';
import { decodeUtf8, type DirectoryReader } from '../formats/directory.ts';

const exec = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' }).catch((error: NodeJS.ErrnoException & { stderr?: Buffer }) => {
    if (error.code === 'ENOENT') throw new ConfigError('`--base` needs git, which is not installed or not on PATH.');
    throw Object.assign(new Error(String(error.stderr ?? error.message).trim()), { cause: error });
  });
  return stdout.toString('utf8');
}

async function gitBytes(cwd: string, args: string[]): Promise<Buffer> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' });
  return stdout;
}

/** A commit of the repository around `cwd`, ready to read migration directories from. */
export interface BaseCommit {
  /** The full commit id. */
  readonly commit: string;
  /** The ref the user named. */
  readonly ref: string;
  /** The directory `path` (as the user wrote it, relative to the working directory) at this commit. */
  directory(path: string): DirectoryReader;
}

/**
 * Resolves `ref` in the repository around `cwd`. In a shallow clone (CI checkouts) a missing
 * commit is fetched on its own from `origin`. Returns a reason instead when the base cannot be
 * had, so the checks that need no base still run.
 */
export async function openBase(cwd: string, ref: string): Promise<BaseCommit | { unavailable: string }> {
  let top: string;
  try {
    top = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new ConfigError(`\`--base ${ref}\` needs a git repository, and ${cwd} is not inside one.`);
  }
  const resolveRef = async () => (await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  let commit = await resolveRef().catch(() => '');
  if (!commit) {
    // Shallow CI checkouts lack the base commit: fetch just that one.
    await git(cwd, ['fetch', '--quiet', '--no-tags', '--depth=1', 'origin', ref]).catch(() => '');
    commit = await resolveRef().catch(() => '');
    if (!commit) {
      const fetched = await git(cwd, ['rev-parse', '--verify', '--quiet', 'FETCH_HEAD^{commit}']).catch(() => '');
      if (fetched.trim() && /^[0-9a-f]{7,40}$/i.test(ref) && fetched.trim().startsWith(ref.toLowerCase())) commit = fetched.trim();
    }
  }
  if (!commit) {
    return { unavailable: `the base \`${ref}\` is not in this clone and could not be fetched from origin (in GitHub Actions, use actions/checkout with fetch-depth: 0, or let migrate-check fetch it with a token that can read the repository)` };
  }

  return {
    commit,
    ref,
    directory(path) {
      const inRepo = posix.normalize(relative(top, resolve(cwd, path)).split(/[\\/]/).join('/'));
      const prefix = inRepo === '.' ? '' : `${inRepo}/`;
      let listing: Promise<string[]> | undefined;
      return {
        path,
        list() {
          listing ??= git(top, ['ls-tree', '-r', '-z', '--name-only', commit, '--', prefix || '.']).then((out) =>
            out
              .split('\0')
              .filter(Boolean)
              .map((f) => f.slice(prefix.length))
              .sort(),
          );
          return listing;
        },
        async read(file) {
          const bytes = await gitBytes(top, ['show', `${commit}:${prefix}${file}`]);
          return decodeUtf8(bytes, `${posix.join(path, file)} at ${ref}`);
        },
      };
    },
  };
}
