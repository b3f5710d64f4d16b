import type pg from 'pg';
import type { ReachKind } from '../outside/statements.ts';
import type { DatabaseKind } from './index.ts';

/**
 * A Postgres server that migrate-check may use: one it started itself, or one the user named.
 *
 * To add a provider:
 * 1. Create `database/<kind>.ts` exporting a `Provider` whose `kind` is the file name, and
 *    whose `start` returns a `Server` of that kind.
 * 2. Add it to the list in `database/index.ts` (the list is the registry; the `database`
 *    setting's values are its kinds).
 * 3. Run `databaseConformance` from `database/conformance.ts` in `database/<kind>.test.ts`.
 *
 * The contract (checked by the conformance suite):
 * - Migrations only ever run in databases returned by `createDatabase`, which the provider
 *   created with a unique name; the provider never runs anything in a database it did not
 *   create (it may read server-level facts such as the version).
 * - Disposing a `ScratchDatabase` drops it, even while connections to it are still open.
 * - Disposing the `Server` drops every scratch database still open and stops or releases
 *   whatever the provider started (process, container, temp folder). Disposal is idempotent
 *   and also happens on Ctrl-C through `database/lifetime.ts`.
 * - Connections are superuser where the provider can arrange it (embedded, container), so
 *   that prerequisites such as `CREATE EXTENSION` can run.
 */
export interface Server extends AsyncDisposable {
  readonly provider: DatabaseKind;
  /** `server_version`, e.g. `17.10`. */
  readonly version: string;
  /**
   * What statements acting outside the scratch database are refused before they run (see
   * `outside/statements.ts`): on a server the user named, all of them; on the embedded server,
   * which runs on this machine as a local user, those that run programs, touch the server's
   * files or connect elsewhere; in a container, none (it is thrown away whole). What runs is
   * reported.
   */
  readonly refuses: readonly ReachKind[];
  /**
   * The role migrations run as when it is not the connecting user: a login role created for
   * the run that owns only its scratch databases (url, when the user may create roles).
   */
  readonly migrationsRole: string | null;
  /**
   * Whether `connect(…, 'admin')` is a superuser's session (embedded, container; url when the
   * URL's user is one): the snapshots then read through a session of their own as that user,
   * which keeps a change log of the DDL and looks objects up by index (snapshot.ts).
   */
  readonly superuserAdmin: boolean;
  /**
   * Cached base states this server holds (embedded or container, started from one): key →
   * the database holding it, to be given as `template` to `createDatabase` (once: a base state
   * given so is used up).
   */
  readonly baseStates?: ReadonlyMap<string, string>;
  /**
   * A new scratch database: empty, or holding what `template` (one of `baseStates`) held: the
   * state's own database, or with `copy`, a copy of it (the state stays for another database).
   */
  createDatabase(purpose: string, template?: string, options?: { copy?: boolean }): Promise<ScratchDatabase>;
}

export interface ScratchDatabase extends AsyncDisposable {
  readonly name: string;
  /**
   * Made moments ago as a copy of `template0`, with nothing run in it yet: its schema is that of
   * every such database on the server, which the first snapshot need not read again (snapshot.ts).
   */
  readonly fresh?: boolean;
  /**
   * A new connection to this database, with the given session settings: as the migrations'
   * role (the default), or as the connecting user (`admin`: prerequisites, the `role` setting).
   */
  connect(settings?: SessionSettings, as?: 'migrations' | 'admin'): Promise<pg.Client>;
  /** Hands the schemas the prerequisites created to the migrations' role (when there is one). */
  adoptSchemas(): Promise<void>;
  /**
   * Makes `role` (created, without login, when the server has no such role) the owner of
   * this database, so migrations can run as it. A role created here is dropped with the
   * database.
   */
  useRole(role: string): Promise<void>;
}

export interface SessionSettings {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
}

/** One way to get a server, as the list in `database/index.ts` holds it. */
export interface Provider<Kind extends string> {
  /** The value of the `database` setting that asks for it. */
  readonly kind: Kind;
  /** One line for `--help` and the docs: what server it gives. */
  readonly summary: string;
  /** What its servers refuse to run (their `Server.refuses`). */
  readonly refuses: readonly ReachKind[];
  /**
   * Whether a run that does not name a provider takes this one. The list is asked in order and
   * the first that says yes is taken; the last one always says yes.
   */
  chosen(run: ProviderChoice): boolean | Promise<boolean>;
  start(options: DatabaseOptions): Promise<Server>;
}

/** What the choice of a provider goes by when the run names none. */
export interface ProviderChoice {
  databaseUrl?: string;
  /** The CLI never starts a container unasked (it needs no Docker); the Action does where Docker answers. */
  shell: 'cli' | 'action';
}

/** The settings a provider starts from (each takes the ones it needs). */
export interface DatabaseOptions {
  databaseUrl?: string;
  postgresVersion?: number;
  postgresBin?: string;
  /** For `container`: the image to start. */
  postgresImage?: string;
  progress?: (line: string) => void;
  /**
   * For `embedded` and `container`: the keys of cached base states to start from, when they are
   * cached (base-states.ts, container-states.ts).
   */
  baseStates?: readonly string[];
  /** For `container`: where its base states are kept beyond the cache folder (the runner's cache). */
  stateCache?: StateCache;
}

/**
 * A store of base-state entries beyond the cache folder, by name (the runner's cache in GitHub
 * Actions: github/runner-cache.ts). It never fails a run: what it cannot do, it says and skips.
 */
export interface StateCache {
  /** Puts the entry called `name` at `path` when the store has it; whether it did. */
  restore(path: string, name: string): Promise<boolean>;
  /** Keeps the entry at `path` as `name`. */
  save(path: string, name: string): Promise<void>;
  /** Whether the store holds the entry called `name` that `restore(path, name)` would put there (false when it cannot tell). */
  has(path: string, name: string): Promise<boolean>;
}

/**
 * A server made to build base states on (pipeline/base-state.ts): the states are built in
 * databases of their own, as its superuser, then sealed as one entry of the cache.
 */
export interface StateBuilder {
  clientConfig(database: string): pg.ClientConfig;
  /** Seals the databases holding `keys` (base-states.ts's `baseStateDatabase`); the entry's folder. */
  seal(keys: readonly string[]): Promise<string>;
}
