import { ConfigError, InputError } from '../errors.ts';
import type { IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { wholeFile } from '../migration.ts';
import { at, byVersion, duplicate, ignore } from './common.ts';
import type { CustomSettings, Format } from './format.ts';
import { splitStatements } from '../sql/split.ts';

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
      throw new ConfigError(
        `\`custom.pattern\` has no named group \`${group}\`. Write e.g. ` +
          `"^(?<version>\\\\d+)_(?<name>.+)\\\\.(?<direction>up|down)\\\\.sql$".`,
      );
    }
  }
  return pattern;
}

function compile(source: string, key: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new ConfigError(`\`${key}\` is not a valid regular expression: ${(error as Error).message}.`);
  }
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
  hasDowns: true,
  noTransactionHelp:
    'Move the statement into its own migration and mark that migration as running without a transaction.',

  async detect() {
    return false;
  },

  async load(directory, options) {
    const settings = options?.custom;
    if (!settings) {
      throw new ConfigError(
        '`format: custom` needs a `custom` section in the config, e.g. { "pattern": ' +
          '"^(?<version>\\\\d+)-(?<name>.+)\\\\.sql$", "ordering": "numeric" }.',
      );
    }
    const pattern = customPattern(settings);
    const ignores = (settings.ignore ?? []).map((p) => compile(p, 'custom.ignore'));
    const noTransactionName = settings.noTransactionName
      ? compile(settings.noTransactionName, 'custom.no-transaction-name')
      : null;
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    // Every file for a version and direction, with its rank in `prefer`; the best one runs.
    const candidates = new Map<
      string,
      { version: string; name: string; side: 'up' | 'down'; file: string; rank: number }[]
    >();
    for (const file of await directory.list()) {
      if (ignores.some((re) => re.test(file))) {
        ignored.push({ file, reason: 'it matches `custom.ignore`' });
        continue;
      }
      const match = pattern.exec(file);
      if (!match?.groups?.version) {
        ignore(ignored, problems, directory, file, 'it does not match `custom.pattern`');
        continue;
      }
      const { version, name = '', direction = 'up', variant = '' } = match.groups;
      const side = UP.test(direction) ? 'up' : DOWN.test(direction) ? 'down' : null;
      if (!side) {
        throw new ConfigError(
          `${at(directory, file)}: the \`direction\` group matched \`${direction}\`; ` +
            `it must be up or down (or do/undo). Adjust \`custom.pattern\`.`,
        );
      }
      if (settings.ordering === 'numeric' && !/^\d+$/.test(version)) {
        throw new InputError(
          `${at(directory, file)}: version \`${version}\` is not a number, but ` +
            `\`custom.ordering\` is numeric. Use \`ordering: lexical\` or fix the pattern.`,
        );
      }
      const rank = settings.prefer ? settings.prefer.indexOf(variant) : 0;
      if (rank < 0) {
        ignored.push({ file, reason: `a file for \`${variant}\`, which \`custom.prefer\` does not list` });
        continue;
      }
      const key = settings.ordering === 'numeric' ? BigInt(version).toString() : version;
      const list = candidates.get(`${key} ${side}`) ?? [];
      list.push({ version, name, side, file, rank });
      candidates.set(`${key} ${side}`, list);
    }
    const byKey = new Map<string, Migration & { key: string; up: Script | null; down: Script | null }>();
    for (const [id, list] of candidates) {
      const key = id.slice(0, id.lastIndexOf(' '));
      list.sort((a, b) => a.rank - b.rank || (a.file < b.file ? -1 : 1));
      const [best, ...others] = list;
      for (const other of others) {
        if (other.rank === best!.rank) {
          duplicate(
            ignored,
            problems,
            directory,
            best!.file,
            other.file,
            key,
            `your runner cannot apply both as the ${best!.side} of one version`,
          );
        } else {
          ignored.push({ file: other.file, reason: `${best!.file} is preferred for this version (\`custom.prefer\`)` });
        }
      }
      const text = await directory.read(best!.file);
      const firstLine = text.split('\n', 1)[0]!.trim();
      const bare =
        (noTransactionName?.test(best!.file) ?? false) ||
        (settings.noTransactionFirstLine !== undefined && firstLine === settings.noTransactionFirstLine);
      const script: Script = {
        file: at(directory, best!.file),
        units: settings.split === 'statements' ? splitStatements(text) : wholeFile(text),
        transaction: bare ? 'none' : settings.transaction,
      };
      const entry = byKey.get(key) ?? { key, version: best!.version, name: best!.name, up: null, down: null };
      entry[best!.side] = script;
      byKey.set(key, entry);
    }
    const migrations = [...byKey.values()].sort(byVersion(settings.ordering)).map(({ key: _key, ...m }) => m);
    return {
      directory: directory.path,
      format: 'custom',
      migrations,
      ignored,
      problems,
      bookkeeping: settings.bookkeeping,
    };
  },
};
