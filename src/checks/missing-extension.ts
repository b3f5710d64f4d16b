import { shownFile } from '../migration.ts';
import type { Check } from './check.ts';

/** Where the well-known extensions come ready-made. */
const IMAGES: Record<string, string> = {
  vector: 'pgvector/pgvector:pg17',
  postgis: 'postgis/postgis:17-3.5',
  postgis_topology: 'postgis/postgis:17-3.5',
  postgis_raster: 'postgis/postgis:17-3.5',
  timescaledb: 'timescale/timescaledb:latest-pg17',
  pg_cron: 'e.g. a Dockerfile `FROM postgres:17` adding `postgresql-17-cron`',
  pgaudit: 'e.g. a Dockerfile `FROM postgres:17` adding `postgresql-17-pgaudit`',
};

export const missingExtension: Check = {
  id: 'missing-extension',
  defaultSeverity: 'error',
  summary:
    'A migration needs a Postgres extension the server does not ' +
    'have, so the rest of the directory could not be replayed.',
  run({ set, replay }) {
    return (replay?.steps ?? []).flatMap((step) => {
      const name = step.error?.kind === 'missing-extension' ? step.error.extension : undefined;
      if (!name) return [];
      const known = IMAGES[name];
      // A known image is a value to type; the others are described in words, outside the code span.
      const image = known?.includes(' ')
        ? `\`postgres-image\` to an image with ${name} (${known})`
        : known
          ? `\`postgres-image: ${known}\``
          : `\`postgres-image\` with an image that has the \`${name}\` extension installed`;
      return [
        {
          file: step.error!.file,
          line: step.error!.line,
          message:
            `${shownFile(set.directory, step.file)} needs the \`${name}\` extension, ` +
            'which this Postgres server does not ' +
            `have; the migrations from here on were not replayed, so nothing after this point was checked.`,
          help:
            `Check against a server that has \`${name}\`: in the GitHub Action set ` +
            `${image}; locally pass \`--database-url\` of such a ` +
            `server. The embedded Postgres ships only the standard contrib extensions.`,
        },
      ];
    });
  },
};
