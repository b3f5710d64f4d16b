import { ConfigError } from '../errors.ts';
import type { Format } from './format.ts';
import { golangMigrate } from './golang-migrate.ts';

/** Every format migrate-check understands. This list is the registry. */
export const formats: readonly Format[] = [golangMigrate];

export function formatById(id: string): Format {
  const format = formats.find((f) => f.id === id);
  if (!format) {
    throw new ConfigError(`Unknown format \`${id}\`. Choose one of: ${formats.map((f) => f.id).join(', ')}, or \`auto\`.`);
  }
  return format;
}

/** Picks the one format that fits the listing; never guesses between several. */
export function detectFormat(directory: string, files: readonly string[]): Format {
  const fits = formats.filter((f) => f.detect(files));
  if (fits.length === 1) return fits[0]!;
  if (fits.length === 0) {
    const examples = formats.map((f) => `${f.id} (${f.looksLike})`).join('; ');
    throw new ConfigError(
      `No migration format matched \`${directory}\` (${files.length} file${files.length === 1 ? '' : 's'}). ` +
        `Files must look like one of: ${examples}. Check the path, or set \`format\` to choose one.`,
    );
  }
  throw new ConfigError(
    `\`${directory}\` fits more than one migration format: ${fits.map((f) => f.id).join(', ')}. Set \`format\` (--format) to the one your runner uses.`,
  );
}
