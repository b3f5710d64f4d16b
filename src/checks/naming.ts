import { posix } from 'node:path';
import { formatProblems, type Check, type CheckContext, type CheckResult } from './check.ts';

/** Team conventions for migration names (`naming-conventions` in the config), each off unless set. */
export interface NamingConventions {
  snakeCase?: boolean;
  /** Names must start with one of these, e.g. add_, alter_, drop_, create_index_. */
  verbPrefix?: string[];
  /** Numeric versions must have exactly this many digits. */
  versionWidth?: number;
}

/** The prefixes `verb-prefix: true` stands for. */
export const VERB_PREFIXES: readonly string[] = [
  'add_',
  'alter_',
  'drop_',
  'create_',
  'create_index_',
  'rename_',
  'remove_',
  'update_',
  'backfill_',
];

/** The team's conventions, on new migrations only when there is a base (merged ones cannot be renamed). */
function conventions({ set, history, conventions: rules }: CheckContext): CheckResult[] {
  if (!rules) return [];
  const isNew = (version: string, name: string) =>
    !history || history.entries.some((e) => e.status === 'new' && e.version === version && e.name === name);
  const out: CheckResult[] = [];
  for (const m of set.migrations) {
    const file = m.up?.file ?? m.down?.file ?? m.code;
    if (!file || m.repeatable || !isNew(m.version, m.name)) continue;
    const shown = posix.basename(file);
    const broken: string[] = [];
    if (rules.snakeCase && !/^[a-z0-9]+(_[a-z0-9]+)*$/.test(m.name))
      broken.push('its name is not lower-case snake_case');
    if (rules.verbPrefix && !rules.verbPrefix.some((p) => m.name.startsWith(p)))
      broken.push(`its name does not start with one of ${rules.verbPrefix.join(', ')}`);
    if (rules.versionWidth && /^\d+$/.test(m.version) && m.version.length !== rules.versionWidth)
      broken.push(`its version has ${m.version.length} digits instead of ${rules.versionWidth}`);
    if (broken.length) {
      out.push({
        file,
        line: null,
        message: `${shown} breaks the naming conventions in your config: ${broken.join('; ')}.`,
        help: 'Rename the migration before it is merged (names of merged migrations must never change).',
      });
    }
  }
  return out;
}

/**
 * Files the runner would silently skip or misread (the format decides: it knows its tool's
 * rules, and records them while reading the directory), plus the team's opt-in conventions.
 */
export const naming: Check = {
  id: 'naming',
  defaultSeverity: 'error',
  summary:
    'A file that looks like a migration but will never run (bad name, ' +
    'not in the journal, a leftover copy); opt-in naming conventions.',
  run(context) {
    return [...formatProblems(context, 'naming'), ...conventions(context)];
  },
};
