import type { MigrationSet } from '../migration.ts';
import { splitStatements } from '../sql/split.ts';

/** The statement of `set` at `file`:`line`, or null. */
export function statementAt(set: MigrationSet, file: string, line: number | null): string | null {
  if (line === null) return null;
  for (const m of set.migrations)
    for (const script of [m.up, m.down]) {
      if (script?.file !== file) continue;
      let found: string | null = null;
      for (const unit of script.units)
        for (const statement of splitStatements(unit.sql, unit.line)) if (statement.line <= line) found = statement.sql;
      return found;
    }
  return null;
}
