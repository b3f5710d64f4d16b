import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ExecUnit, IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { splitStatements } from '../sql/split.ts';
import { at } from './common.ts';
import type { Format } from './format.ts';
import { type ChangeSet, HEADER, LiquibaseParseError, parseFormattedSql, runsOnPostgres } from './liquibase-parse.ts';

/** The master changelogs Liquibase projects name by convention, looked for at the top of the folder. */
const MASTER = /^(db\.changelog-master|changelog-master|changelog|master)\.(xml|ya?ml)$/i;

/** Whether the file's first non-blank line is Liquibase's formatted SQL header (`supports`). */
export function isFormattedSql(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
  return first !== undefined && HEADER.test(first);
}

/** One entry of a master changelog, as Liquibase reads it: a file, or a folder for `includeAll`. */
type Include = { file: string } | { all: string };

/** `<include file=…>` and `<includeAll path=…>` of an XML changelog, or the same keys of a YAML one. */
function includesOf(master: string, text: string): { includes: Include[]; changeSets: boolean } {
  const base = posix.dirname(master);
  const resolve = (path: string, relative: boolean) =>
    posix.normalize(relative ? posix.join(base, path) : path.replace(/^\/+/, '').replace(/^classpath:/, ''));
  const includes: Include[] = [];
  if (/\.xml$/i.test(master)) {
    for (const tag of text.replace(/<!--[^]*?-->/g, '').matchAll(/<(include|includeAll)\b([^>]*)>/g)) {
      const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(tag[2]!)?.[1];
      const relative = attr('relativeToChangelogFile') === 'true';
      if (tag[1] === 'include' && attr('file')) includes.push({ file: resolve(attr('file')!, relative) });
      if (tag[1] === 'includeAll' && attr('path')) includes.push({ all: resolve(attr('path')!, relative) });
    }
    return { includes, changeSets: /<changeSet\b/.test(text) };
  }
  const doc = parseYaml(text) as { databaseChangeLog?: Record<string, Record<string, unknown>>[] } | null;
  let changeSets = false;
  for (const entry of doc?.databaseChangeLog ?? []) {
    const relative = (e: Record<string, unknown>) => e.relativeToChangelogFile === true;
    if (entry.include?.file) includes.push({ file: resolve(String(entry.include.file), relative(entry.include)) });
    if (entry.includeAll?.path)
      includes.push({ all: resolve(String(entry.includeAll.path), relative(entry.includeAll)) });
    if (entry.changeSet) changeSets = true;
  }
  return { includes, changeSets };
}

/** The units Liquibase sends for a text: split at each statement's end, at `endDelimiter`, or whole. */
function unitsOf(text: string, line: number, split: boolean, delimiter: string | null): ExecUnit[] {
  if (!split) return [{ sql: text, line, column: 1 }];
  if (delimiter) {
    const units: ExecUnit[] = [];
    let offset = 0;
    for (const part of text.split(new RegExp(`${delimiter}\\s*(?:\\n|$)`, 'i'))) {
      const lead = part.length - part.trimStart().length;
      const at = line + text.slice(0, offset + lead).split('\n').length - 1;
      if (part.trim()) units.push({ sql: part.trim(), line: at, column: 1 });
      offset = text.indexOf(part, offset) + part.length;
    }
    return units;
  }
  return splitStatements(text, line);
}

/** A changeset's lines, from its `--changeset` line to the next one: what Liquibase checksums, and more. */
function changeSetText(text: string, c: ChangeSet, sets: ChangeSet[]): string {
  const next = sets[sets.indexOf(c) + 1];
  // Liquibase checksums the SQL through a stream that drops whitespace differences
  // (NormalizingStream): an edit of spaces, tabs or blank lines alone is not an edit to it.
  return text
    .split(/\r?\n/)
    .slice(c.line - 1, next ? next.line - 1 : undefined)
    .join('\n')
    .replace(/\s+/g, ' ')
    .trim();
}

const IDENTITY = (file: string, c: ChangeSet) => `${file}::${c.id}::${c.author}`;

/**
 * Liquibase formatted SQL (`--liquibase formatted sql`): `--changeset author:id` blocks, in the
 * order of the master changelog's `include`/`includeAll` when the folder has one, else in the order
 * `includeAll` reads the folder (by path). Each changeset runs statement by statement in its own
 * transaction (`runInTransaction:false` runs it without), its `--rollback` as the down.
 * Bookkeeping: `databasechangelog` and `databasechangeloglock`.
 */
export const liquibase: Format = {
  id: 'liquibase',
  looksLike: '`.sql` changelogs starting `--liquibase formatted sql`, with `--changeset author:id`',
  hasDowns: true,
  missingDown: ({ file, version }) => ({
    message:
      `Changeset ${version} in ${file} has no \`--rollback\`: \`liquibase rollback\` fails there ("No inverse to ` +
      'liquibase.change.core.RawSQLChange created") and it stays applied.',
    help: 'Add `--rollback` lines that undo the changeset (or `--rollback not required` if nothing is to undo).',
  }),
  noTransactionHelp:
    'Move the statement into a changeset of its own with `runInTransaction:false` on its `--changeset` line.',

  async detect(directory, files) {
    for (const file of files) {
      if (file.endsWith('.sql') && isFormattedSql(await directory.read(file))) return true;
    }
    return false;
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const files = await directory.list();
    const formatted = new Set<string>();
    for (const file of files)
      if (file.endsWith('.sql') && isFormattedSql(await directory.read(file))) formatted.add(file);
    const master = files.find((f) => MASTER.test(f));
    const order: string[] = [];
    const used = new Set<string>();
    const includeAll = (folder: string) =>
      [...formatted]
        .filter((f) => folder === '.' || folder === '' || f.startsWith(`${folder.replace(/\/$/, '')}/`))
        .sort();
    const walk = async (changelog: string, depth: number) => {
      used.add(changelog);
      const { includes, changeSets } = includesOf(changelog, await directory.read(changelog));
      if (changeSets) {
        problems.push({
          check: 'partial-replay',
          file: at(directory, changelog),
          line: null,
          message:
            `${changelog} holds changesets of its own, written in XML or YAML: ` +
            'the replay runs only SQL changesets.',
          help: 'Check those changesets with Liquibase itself, or write them as formatted SQL.',
        });
      }
      for (const include of includes) {
        const targets = 'file' in include ? [include.file] : includeAll(include.all);
        for (const target of targets) {
          if (order.includes(target)) continue;
          if (/\.(xml|ya?ml)$/i.test(target) && files.includes(target) && depth < 10) await walk(target, depth + 1);
          else if (formatted.has(target)) order.push(target);
          else {
            problems.push({
              check: 'parse-error',
              file: at(directory, changelog),
              line: null,
              message: `${changelog} includes ${target}, which is not a formatted SQL changelog in ${directory.path}.`,
              help: 'Fix the path, or start the file with `--liquibase formatted sql`.',
            });
          }
        }
      }
    };
    if (master) await walk(master, 0);
    else order.push(...[...formatted].sort());
    for (const file of files) {
      if (used.has(file) && file !== master) ignored.push({ file, reason: 'an included Liquibase changelog' });
      else if (file === master) ignored.push({ file, reason: 'the master changelog: its includes decide the order' });
      else if (!order.includes(file)) {
        ignored.push({
          file,
          reason: formatted.has(file)
            ? `${master} does not include it`
            : 'Liquibase runs only changelogs; this file does not start with `--liquibase formatted sql`',
        });
      }
    }

    const migrations: Migration[] = [];
    const seen = new Set<string>();
    let contexts = false;
    for (const file of order) {
      let sets: ChangeSet[];
      const text = await directory.read(file);
      try {
        sets = parseFormattedSql(text);
      } catch (error) {
        if (!(error instanceof LiquibaseParseError)) throw error;
        problems.push({
          check: 'parse-error',
          file: at(directory, file),
          line: error.line,
          message: `Liquibase refuses to run any changeset while ${file} does not parse: ${error.message}.`,
          help: 'Fix the line (see https://docs.liquibase.com/concepts/changelogs/sql-format.html).',
        });
        continue;
      }
      for (const c of sets) {
        const identity = IDENTITY(file, c);
        const version = `${c.author}:${c.id}`;
        if (seen.has(identity)) {
          problems.push({
            check: 'duplicate-version',
            file: at(directory, file),
            line: c.line,
            message:
              `Changeset ${version} appears twice in ${file}: Liquibase refuses to run the changelog ("changesets ` +
              'had duplicate identifiers"). migrate-check replayed only the first.',
            help: 'Give the changeset a new id.',
          });
          continue;
        }
        seen.add(identity);
        const a = c.attributes;
        if (a.ignore || !runsOnPostgres(a.dbms)) {
          problems.push({
            check: 'partial-replay',
            severity: 'notice',
            file: at(directory, file),
            line: c.line,
            message: a.ignore
              ? `Changeset ${version} is marked \`ignore:true\`: Liquibase skips it, and so did the replay.`
              : `Changeset ${version} is for \`dbms:${a.dbms}\`: ` +
                'Liquibase skips it on PostgreSQL, and so did the replay.',
            help: 'Nothing to do if that is intended.',
          });
          continue;
        }
        if (a.context !== null || a.labels !== null) contexts = true;
        if (c.preconditions) {
          problems.push({
            check: 'partial-replay',
            severity: 'notice',
            file: at(directory, file),
            line: c.line,
            message:
              `Changeset ${version} has preconditions, which migrate-check does not evaluate: the replay ran it as ` +
              'if they passed (Liquibase may skip it, mark it ran, or stop, depending on its onFail).',
            help: 'Check that the preconditions hold on a new database, or suppress this notice.',
          });
        }
        const transaction = a.runInTransaction ? ('wrapped' as const) : ('none' as const);
        const up: Script = {
          file: at(directory, file),
          units: unitsOf(c.sql!.text, c.sql!.line, a.splitStatements, a.endDelimiter),
          transaction,
        };
        const rollback = c.rollback;
        const down: Script | null =
          rollback === null
            ? null
            : rollback === 'empty'
              ? { file: at(directory, file), units: [], transaction }
              : {
                  file: at(directory, file),
                  units: unitsOf(rollback.text, rollback.line, a.rollbackSplitStatements, a.rollbackEndDelimiter),
                  transaction,
                };
        // Liquibase runs a runOnChange (or runAlways) changeset again when it changes: an edit is no history edit.
        const source = a.runOnChange || a.runAlways ? `runs on change: ${identity}` : changeSetText(text, c, sets);
        migrations.push({ version, name: file, up, down, source });
      }
    }
    if (contexts) {
      problems.push({
        check: 'partial-replay',
        severity: 'notice',
        file: at(directory, order[0] ?? ''),
        line: null,
        message:
          'Changesets here carry `context:` or `labels:`, which migrate-check does not evaluate: ' +
          'every changeset ran, ' +
          'as `liquibase update` runs them without --context-filter or --label-filter.',
        help: 'Nothing to do unless your deploys filter by context or label.',
      });
    }
    return {
      directory: directory.path,
      format: 'liquibase',
      migrations,
      ignored,
      problems,
      // liquibase-standard StandardChangeLogHistoryService / StandardLockService, on PostgreSQL.
      bookkeeping:
        'CREATE TABLE IF NOT EXISTS databasechangeloglock (id INTEGER NOT NULL PRIMARY KEY, locked BOOLEAN NOT ' +
        'NULL, lockgranted TIMESTAMP WITHOUT TIME ZONE, lockedby VARCHAR(255)); CREATE TABLE IF NOT EXISTS ' +
        'databasechangelog (id VARCHAR(255) NOT NULL, author VARCHAR(255) NOT NULL, filename VARCHAR(255) NOT ' +
        'NULL, dateexecuted TIMESTAMP WITHOUT TIME ZONE NOT NULL, orderexecuted INTEGER NOT NULL, exectype ' +
        'VARCHAR(10) NOT NULL, md5sum VARCHAR(35), description VARCHAR(255), comments VARCHAR(255), tag ' +
        'VARCHAR(255), liquibase VARCHAR(20), contexts VARCHAR(255), labels VARCHAR(255), deployment_id VARCHAR(10))',
    };
  },
};
