import { InputError } from '../errors.ts';
import type { ExecUnit, IgnoredFile, Migration, Problem } from '../migration.ts';
import { at, ignore } from './common.ts';
import { journalTime, readJournal } from './drizzle-journal.ts';
import type { Format } from './format.ts';
import { positionsIn } from '../sql/split.ts';

const JOURNAL = 'meta/_journal.json';
const BREAKPOINT = '--> statement-breakpoint';

/** The file split at drizzle's breakpoint marker, each chunk from its first non-blank character. */
function chunks(sql: string): ExecUnit[] {
  const position = positionsIn(sql);
  const units: ExecUnit[] = [];
  let offset = 0;
  for (const part of sql.split(BREAKPOINT)) {
    const lead = part.length - part.trimStart().length;
    if (part.trim()) units.push({ sql: part.slice(lead), ...position(offset + lead) });
    offset += part.length + BREAKPOINT.length;
  }
  return units;
}

/**
 * Drizzle Kit (`drizzle-kit generate` + the drizzle-orm migrator): `NNNN_name.sql` files and
 * `meta/_journal.json`. The journal, not the listing, decides what runs and in what order; a
 * `.sql` file missing from it never runs. Each file is split at `--> statement-breakpoint`
 * and the chunks are sent one by one inside a transaction. Bookkeeping:
 * `drizzle.__drizzle_migrations`.
 */
export const drizzle: Format = {
  id: 'drizzle',
  looksLike: '`0000_brave_hulk.sql` + `meta/_journal.json`',
  hasDowns: false,
  noTransactionHelp:
    'The drizzle migrator runs every migration inside one transaction: run ' +
    'this statement outside it (e.g. a separate script after `migrate()`).',

  async detect(_directory, files) {
    return files.includes(JOURNAL);
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const files = await directory.list();
    if (!files.includes(JOURNAL)) {
      throw new InputError(
        `${at(directory, JOURNAL)} does not exist: drizzle runs only what its journal lists. ` +
          `Point the path at the folder drizzle-kit writes to (the one holding \`meta/\`).`,
      );
    }
    const journal = readJournal(await directory.read(JOURNAL), at(directory, JOURNAL));
    const listed = new Set(journal.map((e) => `${e.tag}.sql`));
    const migrations: Migration[] = [];
    for (const entry of journal) {
      const file = `${entry.tag}.sql`;
      const split = /^(\d+)_(.*)$/.exec(entry.tag);
      const version = split ? split[1]! : entry.tag;
      const name = split ? split[2]! : '';
      if (!files.includes(file)) {
        problems.push({
          check: 'parse-error',
          file: at(directory, JOURNAL),
          line: null,
          message:
            `The journal lists \`${entry.tag}\` but ${file} does not exist: the drizzle ` +
            `migrator stops before it applies any migration ("No file ${file} found").`,
          help: 'Restore the file, or regenerate the journal with `drizzle-kit generate`.',
        });
        migrations.push({ version, name, up: null, down: null });
        continue;
      }
      const when = journalTime(entry.when);
      if (typeof when === 'string') {
        problems.push({
          check: 'parse-error',
          file: at(directory, JOURNAL),
          line: null,
          message: `The journal entry \`${entry.tag}\` is broken: ${when}.`,
          help:
            'Set its `when` to the time the migration was generated, in milliseconds ' +
            '(as `drizzle-kit generate` writes it), later than every entry before it.',
        });
      }
      // On a database already migrated past a later `when`, the migrator skips this entry.
      const newest = Math.max(-Infinity, ...migrations.map((m) => m.when ?? -Infinity));
      if (typeof when === 'number' && when <= newest) {
        const later = migrations.find((m) => m.when === newest)!;
        problems.push({
          check: 'naming',
          file: at(directory, file),
          line: null,
          message:
            `${entry.tag}'s journal time (when: ${when}) is not ` +
            `after ${later.version}_${later.name}'s (${newest}), which comes before it: ` +
            `the drizzle migrator applies only entries newer than the last one applied, so ` +
            `it skips ${entry.tag} on every database already migrated to ${later.version}.`,
          help:
            'Regenerate the migration after merging (`drizzle-kit generate` gives it a new ' +
            'time), or set its `when` in meta/_journal.json later than every entry before it.',
        });
      }
      migrations.push({
        version,
        name,
        up: { file: at(directory, file), units: chunks(await directory.read(file)), transaction: 'wrapped' },
        down: null,
        ...(typeof when === 'number' ? { when } : {}),
      });
    }
    ignored.push({ file: JOURNAL, reason: "drizzle-kit's journal: it decides which files run, in which order" });
    for (const file of files) {
      if (listed.has(file) || file === JOURNAL) continue;
      if (!file.includes('/') && file.endsWith('.sql')) {
        ignored.push({ file, reason: 'not listed in meta/_journal.json' });
        problems.push({
          check: 'naming',
          file: at(directory, file),
          line: null,
          message: `${file} is not in meta/_journal.json: the drizzle migrator will never run it.`,
          help:
            'Add it to the journal by regenerating with `drizzle-kit generate` (or delete it if it was ' +
            'abandoned); a file copied in by hand or lost in a merge of the journal is the usual cause.',
        });
      } else if (file.startsWith('meta/')) {
        ignored.push({ file, reason: "drizzle-kit's own metadata" });
      } else {
        ignore(ignored, problems, directory, file, 'drizzle runs only the `.sql` files its journal lists');
      }
    }
    return {
      directory: directory.path,
      format: 'drizzle',
      migrations,
      ignored,
      problems,
      pendingTogether: true,
      // drizzle-orm pg-core dialect, migrate().
      bookkeeping:
        'CREATE SCHEMA IF NOT EXISTS "drizzle"; CREATE TABLE IF NOT EXISTS ' +
        '"drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)',
    };
  },
};
