import { posix } from 'node:path';
import type { IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { at, duplicate, ignore } from './common.ts';
import type { Format } from './format.ts';
import { splitStatements } from './sql-split.ts';

/** `V1__init.sql`, `V1_10__x.sql`, `V69.1__x.sql`, `U1__init.sql`, `R__views.sql`. */
const FILE = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$|^R__(.+)\.sql$/;

/**
 * Statements Postgres refuses inside a transaction; Flyway's PostgreSQL parser detects them
 * and runs such a migration without one (and refuses a migration mixing both kinds).
 */
const NON_TRANSACTIONAL = [
  /^(CREATE|DROP)\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\b/i,
  /^REINDEX\b.*\bCONCURRENTLY\b/is,
  /^REINDEX\s+(\(.*?\)\s*)?(SCHEMA|DATABASE|SYSTEM)\b/is,
  /^(CREATE|DROP)\s+(DATABASE|TABLESPACE|SUBSCRIPTION)\b/i,
  /^ALTER\s+SYSTEM\b/i,
  /^VACUUM\b/i,
  /^DISCARD\s+ALL\b/i,
];

/** Strips leading comments so the statement's first keyword can be read. */
const head = (sql: string) => sql.replace(/^(\s*(--[^\n]*\n|\/\*[^]*?\*\/))*\s*/, '');

/** Flyway's MigrationVersion: numbers separated by `.` or `_`, compared part by part. */
function versionParts(version: string): bigint[] {
  const parts = version.split(/[._]/).map((p) => BigInt(p));
  while (parts.length > 1 && parts.at(-1) === 0n) parts.pop();
  return parts;
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? 0n, y[i] ?? 0n];
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

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
  placeholderSyntax: /\$\{[^}\s]+\}/g,
  builtinPlaceholders: { '${flyway:defaultSchema}': 'public', '${flyway:table}': 'flyway_schema_history' },

  async detect(_directory, files) {
    return files.some((f) => FILE.test(posix.basename(f)));
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const files = await directory.list();
    const versioned = new Map<string, { version: string; name: string; up?: Script; down?: Script; file: string }>();
    const repeatable: Migration[] = [];

    const script = async (file: string): Promise<Script> => {
      const units = splitStatements(await directory.read(file));
      const kinds = units.map((u) => NON_TRANSACTIONAL.some((re) => re.test(head(u.sql))));
      const conf = files.includes(`${file}.conf`) ? await directory.read(`${file}.conf`) : '';
      const confSaysNo = /^\s*executeInTransaction\s*=\s*false\s*$/im.test(conf);
      if (kinds.includes(true) && kinds.includes(false) && !confSaysNo) {
        const first = units[kinds.indexOf(true)]!;
        problems.push({
          check: 'transaction',
          file: at(directory, file),
          line: first.line,
          message: `Flyway refuses ${posix.basename(file)}: it mixes a statement that cannot run in a transaction (line ${first.line}) with statements that can ("Detected both transactional and non-transactional statements within the same migration").`,
          help: 'Move the non-transactional statement into a migration of its own, or allow mixing with `flyway.postgresql.transactional.lock=false` and `mixed=true`.',
        });
      }
      return { file: at(directory, file), units, transaction: kinds.includes(true) || confSaysNo ? 'none' : 'wrapped' };
    };

    for (const file of files) {
      if (file.endsWith('.sql.conf') && files.includes(file.slice(0, -'.conf'.length))) {
        ignored.push({ file, reason: 'Flyway script configuration of the migration beside it' });
        continue;
      }
      const match = FILE.exec(posix.basename(file));
      if (!match) {
        // Flyway silently skips what does not match; a versioned-looking name is worth a word.
        const severity = /^[VUR]\d*[._\d]*__/.test(posix.basename(file)) ? 'notice' : undefined;
        if (severity) ignore(ignored, problems, directory, file, 'Flyway only runs `.sql` files', severity);
        else ignored.push({ file, reason: 'Flyway only runs files named `V{version}__{description}.sql`, `U…` or `R__…`' });
        continue;
      }
      const [, prefix, version, description, repeatableName] = match;
      if (repeatableName !== undefined) {
        repeatable.push({ version: 'R', name: repeatableName, up: await script(file), down: null, repeatable: true });
        continue;
      }
      const key = versionParts(version!).join('.');
      const entry = versioned.get(key) ?? { version: version!, name: description!, file };
      const side = prefix === 'V' ? 'up' : 'down';
      const taken = entry[side];
      if (taken) {
        duplicate(ignored, problems, directory, posix.relative(posix.join(directory.path), taken.file), file, key, `Flyway refuses to run ("Found more than one migration with version ${key}")`);
        continue;
      }
      entry[side] = await script(file);
      versioned.set(key, entry);
    }

    const migrations: Migration[] = [...versioned.values()]
      .sort((a, b) => compareVersions(a.version, b.version))
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
        'CREATE TABLE IF NOT EXISTS "public"."flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL, CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank"))',
        'CREATE INDEX IF NOT EXISTS "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success")',
      ].join('; '),
    };
  },
};
