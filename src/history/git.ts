import { execFile, spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.ts';
import { decodeUtf8, type DirectoryReader } from '../files/directory.ts';

const exec = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' }).catch(
    (error: NodeJS.ErrnoException & { stderr?: Buffer }) => {
      if (error.code === 'ENOENT') throw new ConfigError('`--base` needs git, which is not installed or not on PATH.');
      throw Object.assign(new Error(String(error.stderr ?? error.message).trim()), { cause: error });
    },
  );
  return stdout.toString('utf8');
}

/** Every blob's bytes, in one `git cat-file --batch` (one process, not one per file). */
function readBlobs(cwd: string, oids: readonly string[]): Promise<Map<string, Buffer>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git cat-file failed: ${stderr.trim()}`));
      const out = Buffer.concat(chunks);
      const blobs = new Map<string, Buffer>();
      let at = 0;
      while (at < out.length) {
        const eol = out.indexOf(0x0a, at);
        const [oid, type, size] = out.subarray(at, eol).toString().split(' ');
        if (type !== 'blob') return reject(new Error(`git cat-file: ${oid} is ${type ?? 'missing'}`));
        const start = eol + 1;
        blobs.set(oid!, out.subarray(start, start + Number(size)));
        at = start + Number(size) + 1;
      }
      resolvePromise(blobs);
    });
    child.stdin.end(oids.join('\n') + '\n');
  });
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
    // Shallow CI checkouts lack the base commit: fetch just that one. FETCH_HEAD is then the
    // ref asked for, whether a branch name or a commit id.
    const fetched = await git(cwd, ['fetch', '--quiet', '--no-tags', '--depth=1', 'origin', ref]).then(
      () => true,
      () => false,
    );
    commit = await resolveRef().catch(() => '');
    if (!commit && fetched)
      commit = (await git(cwd, ['rev-parse', '--verify', '--quiet', 'FETCH_HEAD^{commit}']).catch(() => '')).trim();
  }
  if (!commit) {
    return {
      unavailable:
        `the base \`${ref}\` is not in this clone and could not be fetched from ` +
        `origin (in GitHub Actions, use actions/checkout with fetch-depth: 0, or ` +
        `let migrate-check fetch it with a token that can read the repository)`,
    };
  }

  return {
    commit,
    ref,
    directory(path) {
      const inRepo = posix.normalize(relative(top, resolve(cwd, path)).split(/[\\/]/).join('/'));
      const prefix = inRepo === '.' ? '' : `${inRepo}/`;
      // file (relative to the directory) → blob id, from one ls-tree
      let tree: Promise<Map<string, string>> | undefined;
      const entries = () =>
        (tree ??= git(top, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', prefix || '.']).then(
          (out) =>
            new Map(
              out
                .split('\0')
                .filter(Boolean)
                .map((line) => {
                  const tab = line.indexOf('\t');
                  const [, type, oid] = line.slice(0, tab).split(' ');
                  return [line.slice(tab + 1).slice(prefix.length), type === 'blob' ? oid! : ''] as const;
                })
                .filter(([, oid]) => oid),
            ),
        ));
      let blobs: Promise<Map<string, Buffer>> | undefined;
      return {
        path,
        async list() {
          return [...(await entries()).keys()].sort();
        },
        async read(file) {
          const files = await entries();
          const oid = files.get(file);
          if (!oid) throw new Error(`${posix.join(path, file)} does not exist at ${ref}`);
          // The first read fetches every file of the directory at once.
          blobs ??= readBlobs(top, [...new Set(files.values())]);
          return decodeUtf8((await blobs).get(oid)!, `${posix.join(path, file)} at ${ref}`);
        },
      };
    },
  };
}

/**
 * The default branch's ref (`origin/HEAD`, else `origin/main`, `origin/master`, `main`,
 * `master`) when `file` (relative to `cwd`) is already on it; null when it is not, or when
 * `cwd` is not in a git repository.
 */
export async function onDefaultBranch(cwd: string, file: string): Promise<string | null> {
  if ((await findGitDir(cwd)) === null) return null;
  const root = (await git(cwd, ['rev-parse', '--show-toplevel']).catch(() => '')).trim();
  if (!root) return null;
  const path = relative(root, resolve(cwd, file)).split(/[\\/]/).join('/');
  const head = (
    await git(cwd, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']).catch(() => '')
  ).trim();
  const refs = [...new Set([head, 'origin/main', 'origin/master', 'main', 'master'].filter(Boolean))];
  if (path.includes('\n')) return null;
  // One `git cat-file --batch-check` for every candidate: a line each, "<spec> missing" where absent.
  const lines = (await gitWithInput(cwd, ['cat-file', '--batch-check'], refs.map((r) => `${r}:${path}\n`).join('')))
    .split('\n')
    .slice(0, refs.length);
  return refs.find((_, i) => lines[i] !== undefined && !lines[i]!.endsWith(' missing')) ?? null;
}

/** `git args` in `cwd` with `input` on its stdin; its stdout, or '' where it fails. */
function gitWithInput(cwd: string, args: string[], input: string): Promise<string> {
  return new Promise((resolvePromise) => {
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', () => resolvePromise(''));
    child.on('close', (code) => resolvePromise(code === 0 ? out : ''));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The commit checked out in `cwd` (`HEAD`), or null outside a git repository. */
export async function headCommit(cwd: string): Promise<string | null> {
  const read = await readHead(cwd).catch(() => undefined);
  if (read !== undefined) return read;
  const sha = (await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '')).trim();
  return SHA.test(sha) ? sha : null;
}

/**
 * The `.git` nearest `cwd` (it or a folder above), as git finds its repository; null where there
 * is none (git would say "not a git repository"), undefined where the environment changes how
 * git finds it (GIT_DIR …). Spares runs outside a repository a git process (~10 ms each).
 */
async function findGitDir(cwd: string): Promise<{ path: string; folder: boolean } | null | undefined> {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE || process.env.GIT_CEILING_DIRECTORIES) return undefined;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const info = await stat(join(dir, '.git')).catch(() => null);
    if (info) return { path: join(dir, '.git'), folder: info.isDirectory() };
    if (dirname(dir) === dir) return null;
  }
}

/**
 * `HEAD` read from the repository's files, as git resolves it in the common case: a `.git`
 * folder in `cwd` or above, HEAD a commit or a branch whose ref is a loose file or in
 * packed-refs; null outside a repository. Undefined where anything else is found (a `.git` file of
 * a worktree or submodule, GIT_DIR set, a ref pointing elsewhere, an unborn branch): git itself is
 * asked then. Every run
 * records its commit, and a git process costs ~10 ms of the calling process's time to start.
 */
async function readHead(cwd: string): Promise<string | null | undefined> {
  const found = await findGitDir(cwd);
  if (found === null) return null;
  if (!found?.folder) return undefined;
  const gitDir = found.path;
  const head = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
  if (SHA.test(head)) return head;
  const ref = /^ref: (refs\/heads\/[^\s]+)$/.exec(head)?.[1];
  if (!ref || ref.includes('..')) return undefined;
  const loose = (await readFile(join(gitDir, ref), 'utf8').catch(() => '')).trim();
  if (loose) return SHA.test(loose) ? loose : undefined;
  const packed = await readFile(join(gitDir, 'packed-refs'), 'utf8').catch(() => '');
  for (const line of packed.split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && sha && SHA.test(sha)) return sha;
  }
  return undefined;
}
