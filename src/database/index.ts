import type { Server } from './database.ts';
import { startEmbedded } from './embedded.ts';
import { startUrl } from './url.ts';
import { startContainer } from './container.ts';

export type DatabaseKind = 'embedded' | 'url' | 'container';

export interface DatabaseOptions {
  database: DatabaseKind;
  databaseUrl?: string;
  postgresVersion?: number;
  postgresBin?: string;
  /** For `container`: the image to start. */
  postgresImage?: string;
  progress?: (line: string) => void;
}

/** Starts (or connects to) the server the config asks for. */
export function startServer(options: DatabaseOptions): Promise<Server> {
  if (options.database === 'url') return startUrl(options.databaseUrl ?? '');
  if (options.database === 'container') return startContainer({ ...(options.postgresImage ? { image: options.postgresImage } : {}), ...(options.progress ? { progress: options.progress } : {}) });
  return startEmbedded({ major: options.postgresVersion, binDir: options.postgresBin, progress: options.progress });
}
