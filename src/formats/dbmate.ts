import type { ExecUnit, IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { anyFileHas, at, dropDuplicates, ignore } from './common.ts';
import type { Format } from './format.ts';
import { positionsIn } from './sql-split.ts';

// dbmate's own expressions (pkg/dbmate/migration.go).
const FILE = /^(\d+).*\.sql$/;
const UP = /^--\s*migrate:up(\s*$|\s+\S+)/m;
const DOWN = /^--\s*migrate:down(\s*$|\s+\S+)$/m;

interface Block {
  unit: ExecUnit;
  transaction: boolean;
}

/** The text from a marker to `end`, with the options on the marker line. */
function block(text: string, from: number, end: number): Block {
  const sql = text.slice(from, end);
  const marker = sql.slice(0, sql.indexOf('\n') < 0 ? sql.length : sql.indexOf('\n'));
  const options = new Map(
    marker
      .replace(/^--\s*migrate:(up|down)/, '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((o) => o.split(':') as [string, string]),
  );
  return { unit: { sql, ...positionsIn(text)(from) }, transaction: options.get('transaction') !== 'false' };
}

/**
 * dbmate (github.com/amacneil/dbmate): `{version}_{name}.sql` with `-- migrate:up` and
 * `-- migrate:down` blocks, ordered by file name. Each block (marker line included) is sent
 * as one query inside a transaction, or on its own with `transaction:false` on the marker
 * line. Bookkeeping: `schema_migrations(version varchar(128))`.
 */
export const dbmate: Format = {
  id: 'dbmate',
  looksLike: '`20240101120000_create_users.sql` holding `-- migrate:up` and `-- migrate:down`',

  async detect(directory, files) {
    return anyFileHas(directory, files, UP);
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const migrations: Migration[] = [];
    for (const file of await directory.list()) {
      const match = file.includes('/') ? null : FILE.exec(file);
      if (!match) {
        ignore(ignored, problems, directory, file, file.includes('/') ? 'dbmate only reads files directly inside the migration directory' : 'dbmate only reads files named `{version}_{name}.sql`');
        continue;
      }
      const text = await directory.read(file);
      const up = UP.exec(text);
      const down = DOWN.exec(text);
      // dbmate requires the up block first: nothing but blank and comment lines before it.
      const beforeUp = up ? text.slice(0, up.index) : text;
      if (!up || beforeUp.split('\n').some((l) => l.trim() !== '' && !/^\s*--/.test(l)) || (down && down.index < up.index)) {
        problems.push({
          check: 'parse-error',
          file: at(directory, file),
          line: 1,
          message: `dbmate would refuse ${file}: a dbmate migration must start with a \`-- migrate:up\` block${down && up && down.index < up.index ? ' before its `-- migrate:down` block' : ''}. The replay skipped it.`,
          help: 'Put `-- migrate:up` first, the up SQL under it, then `-- migrate:down` and the down SQL.',
        });
        migrations.push({ version: match[1]!, name: file.slice(match[1]!.length + 1, -4), up: null, down: null });
        continue;
      }
      const script = (b: Block): Script => ({ file: at(directory, file), units: [b.unit], transaction: b.transaction ? 'wrapped' : 'implicit' });
      migrations.push({
        version: match[1]!,
        name: file.slice(match[1]!.length + 1, -4),
        up: script(block(text, up.index, down ? down.index : text.length)),
        down: down ? script(block(text, down.index, text.length)) : null,
      });
    }
    // dbmate applies files in the order of their names, which is the listing's order. Two files
    // with one version: dbmate records the first and then treats the second as applied.
    const unique = dropDuplicates(migrations, ignored, problems, directory, (m) => m.up?.file ?? m.down?.file ?? at(directory, m.version), 'dbmate records the first and never runs the second (it looks applied)', (v) => v);
    return {
      directory: directory.path,
      format: 'dbmate',
      migrations: unique,
      ignored,
      problems,
      bookkeeping: 'CREATE TABLE IF NOT EXISTS public.schema_migrations (version varchar(128) PRIMARY KEY)',
    };
  },
};
