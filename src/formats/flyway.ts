import { posix } from 'node:path';
import type { IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { at, duplicate, ignore, looksLikeMigration } from './common.ts';
import type { Format } from './format.ts';
import { splitStatements } from '../sql/split.ts';
import {
  canExecuteInTransaction,
  compareFlywayVersions,
  flywayVersion,
  isCopyFromStdin,
  parseFlywayName,
} from './flyway-parser.ts';

/**
 * Flyway (flywaydb.org), SQL-based migrations: versioned `V{version}__{description}.sql`,
 * undo `U{version}__{description}.sql` (the down), and repeatable `R__{description}.sql`,
 * found anywhere below the location. Versions are number tuples (`1.10` after `1.9`);
 * repeatables run after every versioned migration, by description. Flyway splits each file
 * into statements and runs them in one transaction, or without one when a statement cannot
 * run in a transaction (or `executeInTransaction=false` in a `{file}.conf`). `${name}`
 * placeholders are replaced before parsing; one left without a value stops Flyway.
 */
export const flyway: Format = {
  id: 'flyway',
  looksLike: '`V1__create_users.sql`, `V1_1__add_index.sql`, `U1__create_users.sql`, `R__views.sql`',
  hasDowns: true,
  missingDown: ({ file, version, directory }) => ({
    message:
      `${file} has no undo migration (\`U${version}__….sql\`), while ` +
      `other migrations in ${directory} do: \`flyway undo\` has nothing ` +
      `to run for version ${version}, so a rollback cannot go past it.`,
    help: `Write the \`U${version}__\` file that undoes this migration.`,
  }),
  noTransactionHelp:
    'Add `executeInTransaction=false` to a `<migration>.sql.conf` file ' +
    'beside the migration (Flyway runs it in a transaction otherwise, ' +
    'even alone, for statements its parser does not know need none, such as `REINDEX INDEX … CONCURRENTLY`).',
  placeholderSyntax: /\$\{[^}\s]+\}/g,
  builtinPlaceholders: { '${flyway:defaultSchema}': 'public', '${flyway:table}': 'flyway_schema_history' },

  async detect(_directory, files) {
    return files.some((f) => {
      const name = parseFlywayName(posix.basename(f));
      return name !== null && !('invalid' in name);
    });
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const files = await directory.list();
    const versioned = new Map<string, { version: string; name: string; up?: Script; down?: Script; file: string }>();
    const repeatable: Migration[] = [];

    const script = async (file: string): Promise<Script> => {
      const shown = at(directory, file);
      const units = splitStatements(await directory.read(file), 1, { copyFromStdin: isCopyFromStdin });
      const unterminated = units.find((u) => u.copyUnterminated);
      if (unterminated) {
        problems.push({
          check: 'parse-error',
          file: shown,
          line: unterminated.line,
          message:
            `Flyway never finishes reading ${posix.basename(file)}: the data of the COPY … FROM STDIN at line ` +
            `${unterminated.line} has no \`\\.\` line after it, and Flyway's parser reads data until it finds one.`,
          help: 'End the COPY data with a line holding only `\\.`.',
        });
      }
      const inTransaction = units.map((u) => canExecuteInTransaction(u.sql));
      const conf = files.includes(`${file}.conf`) ? await directory.read(`${file}.conf`) : '';
      // A script configuration's executeInTransaction overrides what the parser found.
      const override = /^\s*executeInTransaction\s*=\s*(true|false)\s*$/im.exec(conf)?.[1];
      // ParserSqlScript: the first statement whose kind differs from an earlier one's.
      const offending = inTransaction.findIndex((kind, k) => k > 0 && inTransaction.slice(0, k).includes(!kind));
      if (offending >= 0 && override === undefined) {
        const line = units[offending]!.line;
        problems.push({
          check: 'transaction',
          file: shown,
          line,
          message:
            `Flyway refuses ${posix.basename(file)}: it mixes a statement that cannot run in a transaction with ` +
            'statements that can ("Detected both transactional and non-transactional statements within the same ' +
            `migration (even though mixed is false). Offending statement found at line ${line}").`,
          help:
            'Move the non-transactional statement into a migration of its own, or set `mixed=true` ' +
            '(Flyway then runs the whole script without a transaction).',
        });
      }
      const wrapped = override === undefined ? !inTransaction.includes(false) : override === 'true';
      return { file: shown, units, transaction: wrapped ? 'wrapped' : 'none' };
    };

    for (const file of files) {
      const base = posix.basename(file);
      if (file.endsWith('.sql.conf') && files.includes(file.slice(0, -'.conf'.length))) {
        ignored.push({ file, reason: 'Flyway script configuration of the migration beside it' });
        continue;
      }
      const name = parseFlywayName(base);
      if (name === null) {
        // Flyway only scans `.sql` files; a versioned-looking name is worth a word.
        const severity = /^[VUR]\d*[._\d]*__/.test(base) ? 'notice' : undefined;
        if (severity) ignore(ignored, problems, directory, file, 'Flyway only runs `.sql` files', severity);
        else
          ignored.push({
            file,
            reason: 'Flyway only runs files named `V{version}__{description}.sql`, `U…` or `R__…`',
          });
        continue;
      }
      if ('invalid' in name) {
        // Flyway skips it ("SQL migrations were detected but not run because they did not follow
        // the filename convention"), or refuses to start with validateMigrationNaming=true.
        const reason = `Flyway skips it: ${name.invalid}`;
        if (looksLikeMigration(file) || !/^[VUR](\d|.*__)/.test(base))
          ignore(ignored, problems, directory, file, reason);
        else {
          ignored.push({ file, reason });
          problems.push({
            check: 'naming',
            file: at(directory, file),
            line: null,
            message: `${file} looks like a Flyway migration, but ${reason.replace(/^F/, 'f')}: it will never run.`,
            help: 'Rename the file to `V{version}__{description}.sql` (version: digits separated by `.` or `_`).',
          });
        }
        continue;
      }
      if (name.kind === 'R') {
        repeatable.push({ version: 'R', name: name.description, up: await script(file), down: null, repeatable: true });
        continue;
      }
      const key = flywayVersion(name.version)!.join('.');
      const entry = versioned.get(key) ?? { version: name.version, name: name.description, file };
      const side = name.kind === 'V' ? 'up' : 'down';
      const taken = entry[side];
      if (taken) {
        const kept = posix.relative(posix.join(directory.path), taken.file);
        duplicate(
          ignored,
          problems,
          directory,
          kept,
          file,
          key,
          `Flyway refuses to run ("Found more than one migration with version ${key}")`,
        );
        continue;
      }
      entry[side] = await script(file);
      versioned.set(key, entry);
    }

    const migrations: Migration[] = [...versioned.values()]
      .sort((a, b) => compareFlywayVersions(a.version, b.version))
      .map((e) => ({ version: e.version, name: e.name, up: e.up ?? null, down: e.down ?? null }));
    repeatable.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return {
      directory: directory.path,
      format: 'flyway',
      migrations: [...migrations, ...repeatable],
      ignored,
      problems,
      // Flyway's PostgreSQL createMetaDataTable.sql.
      bookkeeping: [
        'CREATE TABLE IF NOT EXISTS "public"."flyway_schema_history" ("installed_rank" INT NOT NULL, ' +
          '"version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, ' +
          '"script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL, ' +
          '"installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" ' +
          'BOOLEAN NOT NULL, CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank"))',
        'CREATE INDEX IF NOT EXISTS "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success")',
      ].join('; '),
    };
  },
};
