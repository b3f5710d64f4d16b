import { codeBefore, shownMigrationFile, type MigrationSet } from '../migration.ts';
import { formatProblems, type Check } from './check.ts';

/** The migrations before `m` that a SQL replay does not run (written in code), by file name. */
export const skippedBefore = (set: MigrationSet, m: { version: string; name: string }): string[] =>
  codeBefore(set, m).map((x) => x.code!.split('/').at(-1)!);

const listed = (names: string[]) =>
  names.length > 3 ? `${names.slice(0, 2).join(', ')} … ${names.at(-1)}` : names.join(', ');

export const partialReplay: Check = {
  id: 'partial-replay',
  defaultSeverity: 'warning',
  summary:
    'A migration written in code (goose Go migrations) that a SQL replay cannot run; the replay goes on without it.',
  run(context) {
    const { set, replay } = context;
    // A merged migration that failed after such a migration: most likely for want of what it makes.
    const failedAfter = (replay?.steps ?? [])
      .filter((s) => s.status === 'failed' && s.error?.kind === 'after-skipped')
      .map((s) => {
        const e = s.error!;
        const skipped = skippedBefore(set, s);
        const file = shownMigrationFile(set, s.version, s.file);
        return {
          file: e.file,
          line: e.line,
          message:
            `${file} fails at line ${e.line ?? '?'}: ${e.message} (SQLSTATE ${e.code}). It runs after ` +
            `${skipped.length === 1 ? 'a migration' : 'migrations'} the replay cannot run (${listed(skipped)}), ` +
            `and most likely needs what ${skipped.length === 1 ? 'it makes' : 'they make'}: it is merged, applied up ` +
            'only, so the replay went on without it.',
          help:
            'Check it with the tool itself; later findings may come from the schema it and the migrations ' +
            'before it would have made.',
        };
      });
    return [...formatProblems(context, 'partial-replay'), ...failedAfter];
  },
};
