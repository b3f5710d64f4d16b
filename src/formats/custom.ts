import { ConfigError, InputError } from '../errors.ts';
import type { IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { wholeFile } from '../migration.ts';
import { at, byVersion, duplicate, ignore } from './common.ts';
import { posix } from 'node:path';
import type { CustomSettings, Format } from './format.ts';
import { splitStatements } from './sql-split.ts';

const UP = /^(up|do|apply|forward)$/i;
const DOWN = /^(down|undo|revert|rollback|back)$/i;

/** Compiles the user's pattern, saying what is wrong with it in their terms. */
export function customPattern(settings: CustomSettings): RegExp {
  let pattern: RegExp;
  try {
    pattern = new RegExp(settings.pattern);
  } catch (error) {
    throw new ConfigError(`\`custom.pattern\` is not a valid regular expression: ${(error as Error).message}.`);
  }
  const groups = new RegExp(`${settings.pattern}|`).exec('')?.groups ?? {};
  for (const group of ['version', 'name']) {
    if (!(group in groups)) {
      throw new ConfigError(`\`custom.pattern\` has no named group \`${group}\`. Write e.g. "^(?<version>\\\\d+)_(?<name>.+)\\\\.(?<direction>up|down)\\\\.sql$".`);
    }
  }
  return pattern;
}

/**
 * Any other runner, described in the config: a file-name pattern with named groups
 * `version`, `name` and optionally `direction` (`up`/`down`, also `do`/`undo`), matched
 * against the path relative to the directory; `ordering` numeric or lexical; the transaction
 * mode; whether files are sent whole or statement by statement; and the runner's
 * bookkeeping SQL. Never auto-detected.
 */
export const custom: Format = {
  id: 'custom',
  looksLike: 'any naming, described by `custom.pattern` in the config',

  async detect() {
    return false;
  },

  async load(directory, options) {
    const settings = options?.custom;
    if (!settings) {
      throw new ConfigError('`format: custom` needs a `custom` section in the config, e.g. { "pattern": "^(?<version>\\\\d+)-(?<name>.+)\\\\.sql$", "ordering": "numeric" }.');
    }
    const pattern = customPattern(settings);
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const byKey = new Map<string, Migration & { key: string; up: Script | null; down: Script | null }>();
    for (const file of await directory.list()) {
      const match = pattern.exec(file);
      if (!match?.groups?.version) {
        ignore(ignored, problems, directory, file, 'it does not match `custom.pattern`');
        continue;
      }
      const { version, name = '', direction = 'up' } = match.groups;
      const side = UP.test(direction) ? 'up' : DOWN.test(direction) ? 'down' : null;
      if (!side) {
        throw new ConfigError(`${at(directory, file)}: the \`direction\` group matched \`${direction}\`; it must be up or down (or do/undo). Adjust \`custom.pattern\`.`);
      }
      if (settings.ordering === 'numeric' && !/^\d+$/.test(version)) {
        throw new InputError(`${at(directory, file)}: version \`${version}\` is not a number, but \`custom.ordering\` is numeric. Use \`ordering: lexical\` or fix the pattern.`);
      }
      const key = settings.ordering === 'numeric' ? BigInt(version).toString() : version;
      const entry = byKey.get(key) ?? { key, version, name, up: null, down: null };
      const text = await directory.read(file);
      const script: Script = { file: at(directory, file), units: settings.split === 'statements' ? splitStatements(text) : wholeFile(text), transaction: settings.transaction };
      const taken = entry[side];
      if (taken) {
        duplicate(ignored, problems, directory, posix.relative(posix.join(directory.path), taken.file), file, key, `your runner cannot apply both as the ${side} of one version`);
        continue;
      }
      entry[side] = script;
      byKey.set(key, entry);
    }
    const migrations = [...byKey.values()].sort(byVersion(settings.ordering)).map(({ key: _key, ...m }) => m);
    return { directory: directory.path, format: 'custom', migrations, ignored, problems, bookkeeping: settings.bookkeeping };
  },
};
