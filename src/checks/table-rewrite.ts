import { shownFile } from '../migration.ts';
import type { Check, CheckResult } from './check.ts';
import { excerpt, judgedSteps, REWRITING_CLAUSE, rewriteRecipe, timing } from './lock-hazards.ts';

export const tableRewrite: Check = {
  id: 'table-rewrite',
  defaultSeverity: 'warning',
  summary:
    'A statement rewrites an existing table or index: every row is copied into new files under ACCESS EXCLUSIVE.',
  run({ set, replay, observed }) {
    const results: CheckResult[] = [];
    for (const step of judgedSteps(replay?.steps)) {
      for (const statement of step.statements) {
        if (!statement.rewrites.length) continue;
        // One finding per table: its indexes and TOAST table are rewritten with it.
        for (const table of statement.rewrittenTables) {
          // One ALTER rewrites one table; a statement that rewrites several names each alone.
          const relations = statement.rewrittenTables.length === 1 ? statement.rewrites : [table];
          const others = [...new Set(relations)].filter((r) => r !== table);
          const whole = relations.includes(table);
          const what = whole
            ? `rewrites \`${table}\`` +
              `${others.length ? ` and ${others.length === 1 ? 'its index' : `its ${others.length} indexes`}` : ''}`
            : `rewrites ${others.map((r) => `\`${r}\``).join(', ')} of \`${table}\``;
          const rows = step.statements.flatMap((s) => s.locks).find((l) => l.table === table)?.rows ?? 0;
          const took = timing('took', statement.durationMs, table, rows, observed?.sizes);
          results.push({
            file: step.file,
            line: statement.line,
            message:
              `${excerpt(statement, REWRITING_CLAUSE)} in the ${step.direction} of ${shownFile(set.directory, step.file)} ${what}: ` +
              `every row is copied into new files while the table is locked; it ${took.text}.`,
            help: rewriteRecipe(statement.text),
          });
        }
      }
    }
    return results;
  },
};
