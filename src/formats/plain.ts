import type { IgnoredFile, Migration, Problem } from '../migration.ts';
import { wholeFile } from '../migration.ts';
import { at, byVersion, ignore } from './common.ts';
import type { Format } from './format.ts';

/** `001_init.sql`, `0002-add-users.sql`, `000003.sql`: a leading number, then anything. */
const FILE = /^(\d+)(?:[-_. ]?(.*?))?\.sql$/;
/** The markers of the annotated formats; a file carrying one belongs to that tool. */
const TOOL_MARKERS = new RegExp(
  [
    String.raw`^--\s*(\+goose\s+up|\+migrate\s+up|migrate:up)\b`,
    String.raw`^\s*--[\s-]*up\s+migration`,
    '^---- create above / drop below ----',
    String.raw`^\s*--\s*liquibase\s*formatted`,
  ].join('|'),
  'im',
);

/** The comment lines a file starts with, trimmed. */
function headerLines(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim().startsWith('--')) break;
    lines.push(line.trim());
  }
  return lines;
}

/**
 * The home-grown runner many teams write: every `NNN_name.sql` file (any separator) applied
 * once, in its own transaction, ordered by its leading number (or, with `ordering: lexical`,
 * by file name), and recorded by file name in a `schema_migrations` table. With
 * `no-transaction-marker` set, a file whose leading comments include that line is sent as
 * one query without the runner's transaction. There are no
 * downs, so no roundtrip; naming, ordering and the schema checks still apply.
 */
export const plain: Format = {
  id: 'plain',
  looksLike: '`001_create_users.sql`, `0002-add-index.sql` (up only)',
  hasDowns: false,
  noTransactionHelp:
    'Your runner wraps each file in a transaction: run this ' +
    'statement outside it. If the runner has a no-transaction marker ' +
    '(postgres-migrations: `-- postgres-migrations disable-transaction`), put it ' +
    'at the top of the file and set `no-transaction-marker` to it in the config.',

  async detect(directory, files) {
    if (files.includes('meta/_journal.json')) return false; // drizzle's listing
    for (const file of files) {
      if (file.includes('/') || !FILE.test(file) || /\.(up|down)\.sql$/i.test(file)) continue;
      if (!TOOL_MARKERS.test(await directory.read(file))) return true;
    }
    return false;
  },

  async load(directory, options) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const migrations: (Migration & { file: string })[] = [];
    for (const file of await directory.list()) {
      const match = file.includes('/') ? null : FILE.exec(file);
      if (!match || /\.down\.sql$/i.test(file)) {
        const reason = file.includes('/')
          ? 'a plain runner reads files directly inside the migration directory'
          : /\.down\.sql$/i.test(file)
            ? 'a plain runner applies ups only'
            : 'a plain runner applies files named `{number}_{name}.sql`';
        if (/\.down\.sql$/i.test(file)) ignored.push({ file, reason });
        else ignore(ignored, problems, directory, file, reason);
        continue;
      }
      const text = await directory.read(file);
      const marked =
        options?.noTransactionMarker !== undefined && headerLines(text).includes(options.noTransactionMarker);
      migrations.push({
        version: match[1]!,
        name: match[2] ?? '',
        file,
        up: { file: at(directory, file), units: wholeFile(text), transaction: marked ? 'implicit' : 'wrapped' },
        down: null,
      });
    }
    migrations.sort(
      options?.ordering === 'lexical'
        ? (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
        : byVersion('numeric', (m) => m.file),
    );
    return {
      directory: directory.path,
      format: 'plain',
      migrations: migrations.map(({ file: _file, ...m }) => m),
      ignored,
      problems,
      bookkeeping:
        'CREATE TABLE IF NOT EXISTS schema_migrations (version varchar ' +
        'PRIMARY KEY, applied_at timestamp DEFAULT now(), checksum varchar(64))',
    };
  },
};
