import type { Server } from './database.ts';
import { startEmbedded } from './embedded.ts';
import { startUrl } from './url.ts';

export type DatabaseKind = 'embedded' | 'url';

export interface DatabaseOptions {
  database: DatabaseKind;
  databaseUrl?: string;
  postgresVersion?: number;
  postgresBin?: string;
  progress?: (line: string) => void;
}

/** Starts (or connects to) the server the config asks for. */
export function startServer(options: DatabaseOptions): Promise<Server> {
  if (options.database === 'url') return startUrl(options.databaseUrl ?? '');
  return startEmbedded({ major: options.postgresVersion, binDir: options.postgresBin, progress: options.progress });
}
