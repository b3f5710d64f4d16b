import { containerProvider } from './container.ts';
import type { DatabaseOptions, ProviderChoice, Server } from './database.ts';
import { embeddedProvider } from './embedded.ts';
import { urlProvider } from './url.ts';

export type { DatabaseOptions, ProviderChoice } from './database.ts';

/**
 * Every way migrate-check gets a Postgres server. This list is the registry, in the order a
 * run that names no provider asks them (see `Provider.chosen`).
 */
export const providers = [urlProvider, containerProvider, embeddedProvider] as const;

/** The values of the `database` setting. */
export type DatabaseKind = (typeof providers)[number]['kind'];

/** The provider a run that does not name one takes: the first in the list that says it fits. */
export async function chooseDatabase(run: ProviderChoice): Promise<DatabaseKind> {
  for (const provider of providers) if (await provider.chosen(run)) return provider.kind;
  return providers.at(-1)!.kind; // the last always fits
}

/** Starts (or connects to) the server of the provider the config names. */
export function startServer(options: DatabaseOptions & { database: DatabaseKind }): Promise<Server> {
  return providers.find((p) => p.kind === options.database)!.start(options);
}
