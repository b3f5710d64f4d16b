import type { ExecUnit, IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { splitStatements } from '../sql/split.ts';
import { at, ignore } from './common.ts';
import type { Format } from './format.ts';

/** `migrationPattern` (migrate/migrate.go). */
const FILE = /^(\d+)_.+\.sql$/s;
const SEPARATOR = '---- create above / drop below ----';
/** `disableTxPattern`: a line of its own, anywhere in the section. */
const DISABLE_TX = /^---- tern: disable-tx ----$/m;
/** A text/template action: `{{.prefix}}`, `{{ template "shared/x.sql" . }}`. */
const ACTION = /\{\{.*?\}\}/gs;

/** The section `text` as tern keeps it (`strings.TrimSpace`), with where it starts in the file. */
function trimmed(text: string, offset: number, file: string): { sql: string; line: number; column: number } {
  const lead = text.length - text.trimStart().length;
  const before = file.slice(0, offset + lead).split('\n');
  return { sql: text.trim(), line: before.length, column: before.at(-1)!.length + 1 };
}

/** `LoadMigrations`' check that the up holds SQL: a line that is neither empty nor a `--` comment. */
export function containsSql(up: string): boolean {
  return up.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--'));
}

/**
 * tern (github.com/jackc/tern, `tern migrate`): `{n}_{name}.sql` directly in the folder, numbered
 * 1, 2, 3 … without gaps or duplicates; the up above `---- create above / drop below ----`, the
 * down below it, each trimmed and rendered as a Go text/template with the config's `[data]`.
 * A section is one query inside a transaction, or, with a `---- tern: disable-tx ----` line, its
 * statements one by one without one. Bookkeeping: `public.schema_version`.
 */
export const tern: Format = {
  id: 'tern',
  looksLike: '`001_create_users.sql` with `---- create above / drop below ----`',
  hasDowns: true,
  missingDown: ({ file }) => ({
    message:
      `${file} has nothing below \`${SEPARATOR}\`: tern takes it for irreversible and refuses to migrate ` +
      'down past it ("Irreversible migration").',
    help: `Write the statements that undo the up below \`${SEPARATOR}\`.`,
  }),
  noTransactionHelp:
    'Put a `---- tern: disable-tx ----` line in the migration (tern then runs it statement by statement).',

  async detect(directory, files) {
    for (const file of files) {
      if (file.includes('/') || !FILE.test(file)) continue;
      if ((await directory.read(file)).includes(SEPARATOR)) return true;
    }
    return false;
  },

  async load(directory, options) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const bySequence = new Map<number, { file: string; version: string }>();
    const refused = (file: string, message: string, help: string, line: number | null = null) =>
      problems.push({ check: 'parse-error', file: at(directory, file), line, message, help });
    for (const file of await directory.list()) {
      if (file.includes('/')) {
        const reason = file.endsWith('.sql')
          ? 'a shared template: tern parses it for `{{ template }}` but never runs it as a migration'
          : 'tern reads only `{n}_{name}.sql` files directly in the migration directory';
        ignored.push({ file, reason });
        continue;
      }
      const match = FILE.exec(file);
      if (!match) {
        ignore(ignored, problems, directory, file, 'tern only runs files named `{n}_{name}.sql`');
        continue;
      }
      const n = Number(match[1]);
      if (n < 1 || n > 2 ** 31 - 1) {
        ignored.push({ file, reason: 'its number is outside 1 … 2147483647' });
        refused(file, `${file}: tern numbers migrations from 1 (an int32), and cannot load this one.`, 'Renumber it.');
        continue;
      }
      const taken = bySequence.get(n);
      if (taken) {
        ignored.push({ file, reason: `number ${n} is already taken by ${taken.file}` });
        problems.push({
          check: 'duplicate-version',
          file: at(directory, file),
          line: null,
          message:
            `${file} and ${taken.file} are both migration ${n}: tern refuses to run any migration ` +
            `("Duplicate migration ${n}"). migrate-check replayed only ${taken.file}.`,
          help: 'Renumber the newer migration to the next free number.',
        });
        continue;
      }
      bySequence.set(n, { file, version: match[1]! });
    }
    const migrations: Migration[] = [];
    const sequence = [...bySequence.keys()].sort((a, b) => a - b);
    let expected = 1;
    for (const n of sequence) {
      const { file, version } = bySequence.get(n)!;
      if (n !== expected) {
        const missing = n - expected === 1 ? `${expected}` : `${expected} … ${n - 1}`;
        refused(
          file,
          `Migration ${missing} is missing before ${file}: tern refuses to run any migration ("Missing migration ` +
            `${expected}"). The replay went on in number order.`,
          'Number the migrations 1, 2, 3 … without gaps (renumber the later ones).',
        );
      }
      expected = n + 1;
      const text = await directory.read(file);
      const cut = text.indexOf(SEPARATOR);
      const up = trimmed(cut < 0 ? text : text.slice(0, cut), 0, text);
      const down = cut < 0 ? null : trimmed(text.slice(cut + SEPARATOR.length), cut + SEPARATOR.length, text);
      const id = { version, name: file.slice(version.length + 1, -'.sql'.length) };
      if (!containsSql(up.sql)) {
        refused(
          file,
          `${file} has no SQL above \`${SEPARATOR}\`: tern refuses to run any migration ("no forward migration ` +
            'found"); the replay skipped it.',
          'Write the migration above the separator, or delete the file.',
        );
        migrations.push({ ...id, up: null, down: null });
        continue;
      }
      const unresolved = [...text.matchAll(ACTION)].map((m) => m[0]).filter((a) => !options?.placeholders?.[a]);
      if (unresolved.length) {
        problems.push({
          check: 'partial-replay',
          file: at(directory, file),
          line: text.slice(0, text.indexOf(unresolved[0]!)).split('\n').length,
          message:
            `${file} uses the template action \`${unresolved[0]}\`` +
            (unresolved.length > 1 ? ` (and ${unresolved.length - 1} more)` : '') +
            ": tern renders it from its config's `[data]` (and shared templates), which migrate-check does not " +
            'read, so the replay left this migration out.',
          help: `Set the value the deploy renders: "placeholders": { ${JSON.stringify(unresolved[0])}: "…" }.`,
        });
        migrations.push({ ...id, up: null, down: null });
        continue;
      }
      const script = (section: ExecUnit): Script =>
        DISABLE_TX.test(section.sql)
          ? { file: at(directory, file), units: splitStatements(section.sql, section.line), transaction: 'none' }
          : { file: at(directory, file), units: [section], transaction: 'wrapped' };
      migrations.push({ ...id, up: script(up), down: down && down.sql !== '' ? script(down) : null });
    }
    return {
      directory: directory.path,
      format: 'tern',
      migrations,
      ignored,
      problems,
      // migrate/migrate.go, ensureSchemaVersionTableExists, with tern's default version_table.
      bookkeeping:
        'create table if not exists public.schema_version(version int4 not null primary key); ' +
        'insert into public.schema_version(version) select 0 where 0=(select count(*) from public.schema_version)',
    };
  },
};
