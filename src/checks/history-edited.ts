import { posix } from 'node:path';
import type { Check, CheckResult } from './check.ts';

/**
 * A migration that exists on the base branch was modified, renamed or deleted. Migrations that
 * have been merged are (or soon will be) applied somewhere; editing them makes that database
 * and every new one diverge, and most runners keep no checksum to notice. Flyway's repeatable
 * migrations are the exception to editing: Flyway applies one again whenever it changes.
 */
export const historyEdited: Check = {
  id: 'history-edited',
  defaultSeverity: 'error',
  summary: 'A migration already on the base branch was modified, renamed or deleted.',
  run({ set, history, historyUnavailable }) {
    if (historyUnavailable) {
      return [
        {
          severity: 'notice',
          file: null,
          line: null,
          message: `The history checks did not run for ${set.directory}: ${historyUnavailable}.`,
          help: 'Make the base commit available to the run (a full clone, or fetch it), or drop --base.',
        },
      ];
    }
    const at = (file: string) => posix.join(set.directory, file);
    const base = history?.base.ref ?? 'the base branch';
    const out: CheckResult[] = [];
    // Where one file holds several migrations (Liquibase changesets), each is compared on its own.
    const shared = set.migrations.some((m) => m.source !== undefined);
    for (const e of history?.entries ?? []) {
      const label = (file: string) => (shared ? `Changeset ${e.version} of ${file}` : file);
      // Flyway applies a repeatable migration again whenever its checksum changes: editing one is how it is used.
      if (e.status === 'modified' && !e.repeatable) {
        for (const change of e.changes ?? []) {
          // Adding a missing down to a merged migration changes no database: not an edit.
          if (change.change === 'added') continue;
          if (change.change === 'deleted') {
            out.push({
              file: at(change.file),
              line: null,
              message:
                `${label(change.file)} exists on ${base} but was deleted, ` + 'while the rest of its migration stays.',
              help: 'Restore the file; to change what the migration does, add a new migration.',
            });
            continue;
          }
          out.push({
            file: at(change.file),
            line: null,
            message: change.lineEndingsOnly
              ? `${label(change.file)} already exists on ${base} and only its line endings changed (CRLF ↔ ` +
                `LF): tools that checksum files (Flyway, sqlx, migrate-check.sum) will call it edited.`
              : `${label(change.file)} already exists on ${base} and was edited: databases that ` +
                `applied it keep the old version, new ones get this one.\n${change.diff}`,
            help: change.lineEndingsOnly
              ? 'Restore the original line endings (a .gitattributes rule ' +
                'such as `*.sql -text` keeps them), or suppress with a reason.'
              : 'Revert the edit and put the change in a new migration; if the edit is safe ' +
                'everywhere (a comment, a typo in a message), suppress it with the reason.',
          });
        }
      } else if (e.status === 'renamed') {
        out.push({
          file: at(e.files[0]!),
          line: null,
          message:
            `${e.baseFiles.join(' and ')} on ${base} was renamed to ${e.files.join(' and ')}: databases ` +
            `that applied it will apply it again under its new version, or consider the old one missing.`,
          help: 'Keep the original file name; renumbering a merged migration is never safe.',
        });
      } else if (e.status === 'deleted') {
        out.push({
          file: at(e.baseFiles[0]!),
          line: null,
          message:
            `${label(e.baseFiles.join(' and '))} exists on ${base} but was deleted: ` +
            `databases that applied it keep its changes, new ones never get them.`,
          help: 'Restore the file; to undo its effect, add a new migration.',
        });
      }
    }
    return out;
  },
};
