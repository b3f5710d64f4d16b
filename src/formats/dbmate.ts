import type { ExecUnit, IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { at, dropDuplicates, ignore } from './common.ts';
import { parseDbmate, type DbmateBlock, type DbmateSection } from './dbmate-parse.ts';
import type { DirectoryReader } from '../files/directory.ts';
import type { Format } from './format.ts';
import { positionsIn } from '../sql/split.ts';

// dbmate's file expression (pkg/dbmate/db.go) and its up marker, for detection.
const FILE = /^(\d+).*\.sql$/;
const UP = /^--\s*migrate:up(\s*$|\s+\S+)/m;

/** dbmate's table, as its postgres driver creates it in the session's current schema. */
const BOOKKEEPING = 'create table if not exists schema_migrations (version varchar primary key)';

/** Go sorts file names byte by byte. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * The queries dbmate sends for the blocks of one direction. A one-section file is one block:
 * one query inside the runner's transaction, or alone with `transaction:false`. A file of
 * several sections runs each block in a transaction of its own (or none) together with the
 * version row dbmate records (`up`) or deletes (`down`) for it, in file order for both
 * directions: the sections' downs do not run in reverse.
 */
function script(file: string, text: string, blocks: DbmateBlock[], version: string, direction: 'up' | 'down'): Script {
  const where = positionsIn(text);
  const unit = (b: DbmateBlock): ExecUnit => ({ sql: b.sql, ...where(b.offset) });
  const [only] = blocks;
  if (blocks.length === 1) {
    return { file, units: [unit(only!)], transaction: only!.transaction ? 'wrapped' : 'implicit' };
  }
  const record =
    direction === 'up'
      ? `insert into schema_migrations (version) values ('${version}')`
      : `delete from schema_migrations where version = '${version}'`;
  const units = blocks.flatMap((b) => {
    const own = (sql: string): ExecUnit => ({ sql, ...where(b.offset) });
    const body = [unit(b), own(record)];
    return b.transaction ? [own('BEGIN'), ...body, own('COMMIT')] : body;
  });
  return { file, units, transaction: 'none' };
}

/** A file of several sections: what dbmate 2.29 to 2.36 does with it on Postgres. */
function severalSections(file: string, where: { file: string; line: number }, version: string, count: number): Problem {
  return {
    check: 'parse-error',
    severity: 'warning',
    ...where,
    message:
      `${file} has ${count} \`-- migrate:up\` sections: dbmate records version ${version} once per section, ` +
      'so on Postgres the second section fails with "duplicate key value violates unique constraint ' +
      '\\"schema_migrations_pkey\\"" (amacneil/dbmate#820, in dbmate 2.29 to 2.36 at least). `dbmate up` stops ' +
      'there with the first section applied, the second rolled back (or kept, under `transaction:false`), and the ' +
      'file recorded as applied.',
    help: 'Put each section in a migration file of its own.',
  };
}

/**
 * dbmate (github.com/amacneil/dbmate): `{version}_{name}.sql` with `-- migrate:up` and
 * `-- migrate:down` blocks, ordered by file name (see dbmate-parse.ts for how a file is cut).
 * A file dbmate refuses stops `dbmate up` at that file. Bookkeeping: `schema_migrations(version varchar)`.
 */
export const dbmate: Format = {
  id: 'dbmate',
  looksLike: '`20240101120000_create_users.sql` holding `-- migrate:up` and `-- migrate:down`',
  // A file without a down block is refused outright (a parse-error), so pairing never meets one.
  hasDowns: true,
  noTransactionHelp:
    'Move the statement into its own migration whose up marker reads `-- migrate:up transaction:false`.',

  async detect(directory, files) {
    for (const file of files) {
      if (!file.includes('/') && file.endsWith('.sql') && UP.test(await directory.read(file))) return true;
    }
    return false;
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const migrations: Migration[] = [];
    for (const file of [...(await directory.list())].sort(byBytes)) {
      const match = file.includes('/') ? null : FILE.exec(file);
      if (!match) {
        const reason = file.includes('/')
          ? 'dbmate only reads files directly inside the migration directory'
          : 'dbmate only reads files named `{version}_{name}.sql`';
        ignore(ignored, problems, directory, file, reason);
        continue;
      }
      const version = match[1]!;
      const id = { version, name: file.slice(version.length + 1, -4) };
      migrations.push(await parsed(directory, file, id, problems));
    }
    // Two files with one version: both are pending on a fresh database.
    const unique = dropDuplicates(
      migrations,
      ignored,
      problems,
      directory,
      (m) => m.up?.file ?? m.down?.file ?? at(directory, `${m.version}_${m.name}.sql`),
      'on a new database `dbmate up` applies the first, then runs the second and fails recording its version ' +
        '("duplicate key value violates unique constraint \\"schema_migrations_pkey\\""), which rolls the ' +
        'second back (or keeps it, under `transaction:false`) and stops the deploy; on a database that has the ' +
        'version already, ' +
        'dbmate takes the second for applied and never runs it',
      (v) => v,
    );
    return {
      directory: directory.path,
      format: 'dbmate',
      migrations: unique,
      ignored,
      problems,
      bookkeeping: BOOKKEEPING,
    };
  },
};

async function parsed(
  directory: DirectoryReader,
  file: string,
  id: { version: string; name: string },
  problems: Problem[],
): Promise<Migration> {
  const text = await directory.read(file);
  const result = parseDbmate(text);
  const path = at(directory, file);
  if ('error' in result) {
    problems.push({
      check: 'parse-error',
      file: path,
      line: positionsIn(text)(result.offset).line,
      message:
        `dbmate refuses ${file}: "${result.error}". ` +
        '`dbmate up` stops at this file; the replay skipped it and went on.',
      help: 'Start the file with `-- migrate:up` and the up SQL, then `-- migrate:down` and the SQL that undoes it.',
    });
    return { ...id, up: null, down: null };
  }
  const sections: DbmateSection[] = result.sections;
  if (sections.length > 1) {
    const line = positionsIn(text)(sections[1]!.up.offset).line;
    problems.push(severalSections(file, { file: path, line }, id.version, sections.length));
  }
  return {
    ...id,
    up: script(
      path,
      text,
      sections.map((s) => s.up),
      id.version,
      'up',
    ),
    down: script(
      path,
      text,
      sections.map((s) => s.down),
      id.version,
      'down',
    ),
  };
}
