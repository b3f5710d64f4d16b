import { posix } from 'node:path';
import type { DirectorySettings } from '../config.ts';
import { ConfigError, errorMessage } from '../errors.ts';
import { readSettingFile, type DirectoryReader } from '../files/directory.ts';
import type { Format, FormatOptions } from '../formats/format.ts';
import { detectFormat, formatById } from '../formats/index.ts';
import { positionsIn, splitStatements } from '../sql/split.ts';
import type { BaseCommit } from '../history/git.ts';
import { compareHistory, type History } from '../history/status.ts';
import { verifySums } from '../history/verify-sum.ts';
import { filesOf, renderPlaceholders, type MigrationSet, type Script } from '../migration.ts';
import { readSuppressions } from '../suppress.ts';
import { readTableSizes } from './table-sizes.ts';
import { readSeedFiles, type SeedFile } from '../seed/seed-files.ts';

/** The base branch for `--base`: its commit, why it cannot be read, or null without `--base`. */
export type BaseInput = BaseCommit | { unavailable: string } | null;

/** One migration directory, read and ready to replay: everything the later stages need of its files. */
export interface LoadedDirectory {
  path: string;
  format: Format;
  /** The migrations, placeholders rendered; prerequisites files kept in the folder are not strays. */
  set: MigrationSet;
  settings: DirectorySettings;
  /** The prerequisites files, run before the first migration. */
  prelude: Script[];
  /** Each migration file's `-- migrate-check:ignore` markers: display path → check id → reason. */
  suppressions: Map<string, Map<string, string>>;
  history: History | null;
  /** The base branch's migrations, placeholders rendered (with `--base`). */
  baseSet: MigrationSet | null;
  historyUnavailable?: string;
  /** `table-sizes`: production row counts per table (`schema.table`). */
  tableSizes?: Map<string, number>;
  /** `seed-files`: the user's own rows, each file run after the migration its name gives. */
  seedFiles?: SeedFile[];
}

/** The directory's format (as configured, or detected) and the options it takes from the settings. */
export async function formatFor(
  reader: DirectoryReader,
  settings: DirectorySettings,
): Promise<{ format: Format; options: FormatOptions }> {
  const format = settings.format === 'auto' ? await detectFormat(reader) : formatById(settings.format);
  const options = {
    ...(settings.ordering ? { ordering: settings.ordering } : {}),
    ...(settings.noTransactionMarker ? { noTransactionMarker: settings.noTransactionMarker } : {}),
    ...(settings.custom ? { custom: settings.custom } : {}),
    ...(Object.keys(settings.placeholders).length ? { placeholders: settings.placeholders } : {}),
  };
  return { format, options };
}

/**
 * Reads a directory the way its format's tool does: its migrations (checksum files verified,
 * placeholders rendered), its history against the base branch, its prerequisites and its
 * suppression markers. Never touches a database; throws ToolErrors for input the tool cannot run.
 */
export async function loadDirectory(
  path: string,
  settings: DirectorySettings,
  directory: (path: string) => DirectoryReader,
  base: BaseInput,
): Promise<LoadedDirectory> {
  const reader = directory(path);
  const { format, options } = await formatFor(reader, settings);
  const read = await format.load(reader, options);
  const loaded = { ...read, problems: [...(read.problems ?? []), ...(await verifySums(read, reader))] };
  const compared =
    base && ('unavailable' in base ? base : await loadHistory(path, loaded, reader, format, options, base));
  const placeholders = { ...format.builtinPlaceholders, ...settings.placeholders };
  const set = renderPlaceholders(loaded, placeholders);
  if (format.placeholderSyntax) refuseUnresolved(set, format.placeholderSyntax);

  const prelude = await readPrelude(settings.prerequisites, directory);
  const tableSizes = settings.tableSizes ? await readTableSizes(settings.tableSizes, directory) : undefined;
  const seedFiles = settings.seedFiles ? await readSeeds(settings.seedFiles, set) : undefined;
  const suppressions = await readMarkers(path, set, reader);
  // A prerequisites file kept in the migration folder is part of the setup, not a stray file.
  const preludeFiles = new Set(prelude.map((p) => posix.normalize(p.file)));
  const inPrelude = (file: string) => preludeFiles.has(posix.normalize(posix.join(path, file)));
  return {
    path,
    format,
    settings,
    prelude,
    suppressions,
    ...(tableSizes ? { tableSizes } : {}),
    ...(seedFiles ? { seedFiles } : {}),
    history: compared && !('unavailable' in compared) ? compared.history : null,
    baseSet: compared && !('unavailable' in compared) ? renderPlaceholders(compared.baseSet, placeholders) : null,
    ...(compared && 'unavailable' in compared ? { historyUnavailable: compared.unavailable } : {}),
    set: {
      ...set,
      ignored: set.ignored.map((i) =>
        inPrelude(i.file) ? { ...i, reason: 'a prerequisites file (run before the first migration)' } : i,
      ),
      problems: (set.problems ?? []).filter((p) => !preludeFiles.has(posix.normalize(p.file))),
    },
  };
}

/** The base branch's version of the directory, compared with the head's. */
async function loadHistory(
  path: string,
  head: MigrationSet,
  reader: DirectoryReader,
  format: Format,
  options: FormatOptions,
  base: BaseCommit,
): Promise<{ history: History; baseSet: MigrationSet } | { unavailable: string }> {
  const baseReader = base.directory(path);
  try {
    const files = await baseReader.list();
    const baseSet: MigrationSet = files.length
      ? await format.load(baseReader, options)
      : { directory: path, format: format.id, migrations: [], ignored: [], bookkeeping: '' };
    const history = await compareHistory(
      head,
      (f) => reader.read(f),
      baseSet,
      (f) => baseReader.read(f),
      { ref: base.ref, commit: base.commit },
    );
    return { history, baseSet };
  } catch (error) {
    return { unavailable: `its version at ${base.ref} could not be read as ${format.id} (${errorMessage(error)})` };
  }
}

/** A placeholder left in a file stops the tool itself; say which, where, and how to set it. */
function refuseUnresolved(set: MigrationSet, syntax: RegExp): void {
  for (const m of set.migrations) {
    for (const script of [m.up, m.down]) {
      for (const unit of script?.units ?? []) {
        const found = new RegExp(syntax.source, 'g').exec(unit.sql);
        if (!found) continue;
        const { line } = positionsIn(unit.sql, unit.line)(found.index);
        throw new ConfigError(
          `${script!.file}:${line} uses the placeholder ${found[0]}, which has no value: ${set.format} would ` +
            `refuse to run it. ` +
            `Set it in the config, e.g. "placeholders": { ${JSON.stringify(found[0])}: "value" }.`,
        );
      }
    }
  }
}

/** The prerequisites files (paths relative to the working directory), split as psql would run them. */
async function readPrelude(files: readonly string[], directory: (path: string) => DirectoryReader): Promise<Script[]> {
  const prelude: Script[] = [];
  for (const file of files) {
    const text = await readSettingFile(
      file,
      directory,
      (reason) =>
        `Prerequisites file \`${file}\` cannot be read (${reason}). Paths in \`prerequisites\` are relative ` +
        `to the working directory.`,
    );
    prelude.push({ file, units: splitStatements(text), transaction: 'none' });
  }
  return prelude;
}

/**
 * The suppression markers of each migration: a marker in either file of a migration (its up or
 * its down) covers both files.
 */
async function readMarkers(
  path: string,
  set: MigrationSet,
  reader: DirectoryReader,
): Promise<Map<string, Map<string, string>>> {
  const suppressions = new Map<string, Map<string, string>>();
  for (const m of set.migrations) {
    const files = filesOf(set, m);
    const markers = new Map<string, string>();
    for (const file of files) {
      for (const [id, reason] of readSuppressions(posix.join(path, file), await reader.read(file)))
        markers.set(id, reason);
    }
    if (markers.size) for (const file of files) suppressions.set(posix.join(path, file), markers);
  }
  return suppressions;
}

/** `seed-files`: every `.sql` file in the folder must name a migration (or be `base.sql`). */
async function readSeeds(dir: string, set: MigrationSet): Promise<SeedFile[]> {
  const versions = set.migrations.map((m) => m.version);
  const { files, unmatched } = await readSeedFiles(dir, versions).catch((error: unknown) => {
    throw new ConfigError(
      `The seed-files folder \`${dir}\` cannot be read (${errorMessage(error)}). Its path is relative to the ` +
        `working directory.`,
    );
  });
  if (unmatched.length) {
    throw new ConfigError(
      `In the seed-files folder \`${dir}\`, ${unmatched.map((f) => `\`${f}\``).join(', ')} ` +
        `${unmatched.length === 1 ? 'names' : 'name'} no migration of ${set.directory}: ` +
        'name a seed file after the migration it runs after (`<version>.sql` or `<version>_anything.sql`, ' +
        'e.g. `0003_customers.sql`), or `base.sql` to run before the first checked migration.',
    );
  }
  return files;
}
