import { ConfigError, errorMessage } from '../errors.ts';
import { readSettingFile, type DirectoryReader } from '../files/directory.ts';

const EXAMPLE = '{"public.users": 40000000, "public.orders": 120000000}';
const EXPORT =
  "SELECT json_object_agg(format('%I.%I', nspname, relname), reltuples::bigint) " +
  'FROM pg_class c JOIN pg_namespace n ON n.oid = relnamespace ' +
  "WHERE relkind IN ('r', 'p') AND nspname NOT IN ('pg_catalog', 'information_schema')";

/**
 * `table-sizes`: production row counts per table, `schema.table` → rows (a bare name means
 * `public`), read from a JSON file relative to the working directory.
 */
export async function readTableSizes(
  file: string,
  directory: (path: string) => DirectoryReader,
): Promise<Map<string, number>> {
  const text = await readSettingFile(
    file,
    directory,
    (reason) =>
      `The table-sizes file \`${file}\` cannot be read (${reason}). Its path is relative to the working directory.`,
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `The table-sizes file \`${file}\` is not JSON (${errorMessage(error)}). Write it as ${EXAMPLE}, e.g. ` +
        `exported with: ${EXPORT}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(
      `The table-sizes file \`${file}\` must hold one object of table → row count, e.g. ${EXAMPLE}.`,
    );
  }
  const sizes = new Map<string, number>();
  for (const [table, rows] of Object.entries(parsed)) {
    if (typeof rows !== 'number' || !Number.isFinite(rows) || rows < 0) {
      throw new ConfigError(
        `The table-sizes file \`${file}\`: \`${table}\` is ${JSON.stringify(rows)}; each table needs a row ` +
          `count (a number ≥ 0), e.g. ${EXAMPLE}.`,
      );
    }
    sizes.set(table.includes('.') ? table : `public.${table}`, Math.round(rows));
  }
  return sizes;
}
