import { statementAt } from './statement-at.ts';
import { type MigrationSet, shownFile, shownMigrationFile } from '../migration.ts';
import type { Check, CheckContext } from './check.ts';
import { SUPPORTED_MAJORS } from '../database/embedded-binaries.ts';
import { skippedBefore } from './partial-replay.ts';
import { DOCS_BASE } from '../report/docs-url.ts';
import { PRELUDE, SESSION_SETUP } from '../replay.ts';

const TIMEOUT_HELP: Record<string, string> = {
  '42501':
    'The migration needs a privilege its role lacks: grant it in your prerequisites (run as ' +
    'superuser), or change the migration so it works with the privileges production grants.',
  '57014':
    'The statement ran longer than the statement timeout: make it ' +
    'faster, or raise --statement-timeout if it is expected to be slow.',
  '55P03':
    'The statement waited longer than the lock timeout: look for a lock ' +
    'held by an earlier statement in the same run, or raise --lock-timeout.',
};

const URL_PRIVILEGE_HELP =
  'On a server you name, migrations run as a role made for the run that owns only ' +
  'the scratch database: create what needs more (a superuser-only extension, a role) ' +
  "in `prerequisites`, which run as the URL's user, or use the " +
  'embedded or container server, where migrations run as superuser.';

/** What a Supabase database holds before any migration runs, named in an error: it is missing here. */
const SUPABASE_OBJECT = new RegExp(
  [
    'schema "(auth|storage|extensions|realtime|graphql|graphql_public|vault|supabase_functions)" does not exist',
    'role "(anon|authenticated|service_role|authenticator|supabase_admin|supabase_auth_admin|supabase_storage_admin)" does not exist',
    'relation "(auth|storage)\\.[^"]+" does not exist',
    'function (auth|storage)\\.\\w+\\([^)]*\\) does not exist',
    'publication "supabase_realtime" does not exist',
  ].join('|'),
);

const SUPABASE_HELP =
  'It uses what a Supabase database holds before any migration runs (the auth and storage schemas, the anon, ' +
  'authenticated and service_role roles, auth.uid()), which a plain Postgres lacks: create them in a ' +
  `prerequisites file, to start from the one in ${DOCS_BASE.replace(/\/checks$/, '')}/supabase.md.`;

/**
 * For a syntax error on a server older than the newest major migrate-check runs: the syntax may
 * be that of a later version (named NOT NULL constraints are Postgres 18's), which production runs.
 */
function newerSyntax(provider: CheckContext['provider'], version: string | undefined): string {
  const major = Number.parseInt(version ?? '', 10);
  const newest = SUPPORTED_MAJORS.at(-1)!;
  if (!(major < newest)) return '';
  const how = provider === 'url' ? 'on a server of that version' : `with \`--postgres-version ${newest}\``;
  return (
    ` It ran on Postgres ${version}: if the statement is valid in a later version that production runs, ` +
    `check ${how}.`
  );
}

/**
 * For a syntax error in a statement that still holds a template (`{{ … }}`, Go's text/template
 * as pop renders it; `{% … %}`): the runner renders it before it runs; placeholders stand in.
 */
function templateHelp(statement: string | null): string | undefined {
  const template = statement && /\{\{.*?\}\}|\{%.*?%\}/s.exec(statement)?.[0];
  if (!template) return undefined;
  return (
    `The statement still holds \`${template}\`, a template its runner fills in before it runs the file: give it ` +
    `its value with \`placeholders\` (e.g. \`--placeholder '${template}=<value>'\`), one for each way it is written.`
  );
}

/** For a failure after migrations the replay does not run: that they may be why. */
function afterSkipped(set: MigrationSet, step: { version: string; name: string }): string {
  const skipped = step.version === PRELUDE ? [] : skippedBefore(set, step);
  if (!skipped.length) return '';
  const last = skipped.at(-1);
  return ` It runs after ${skipped.length === 1 ? 'a migration' : `${skipped.length} migrations`} the replay cannot run (the last: ${last}): what ${skipped.length === 1 ? 'it makes' : 'they make'} may be what it needs.`;
}

/**
 * How the message names the failing migration: its file where the file alone does not say which
 * migration it is (`2019-10-10-083032_add_column/down.sql`, `deploy/users.sql`), else
 * `{version}_{name}`.
 */
function migrationOf(set: MigrationSet, version: string, name: string, file: string): string {
  const shown = shownMigrationFile(set, version, file);
  if (shown.includes('/') || shown.startsWith('changeset ')) return shown;
  return name ? `${version}_${name}` : version;
}

export const sqlError: Check = {
  id: 'sql-error',
  defaultSeverity: 'error',
  summary: 'An up or down migration fails on Postgres.',
  run({ set, replay, provider, serverVersion }) {
    return (
      (replay?.steps ?? [])
        // Other kinds of failure are other checks' findings (see `FailureKind`).
        .filter((s) => s.status === 'failed' && s.error?.kind === 'statement')
        .map((s) => {
          const e = s.error!;
          const extra = [e.detail && `Detail: ${e.detail}`, e.hint && `Hint: ${e.hint}`, e.where && `Where: ${e.where}`]
            .filter(Boolean)
            .join(' ');
          if (s.version === PRELUDE && s.name === SESSION_SETUP)
            return {
              file: null,
              line: null,
              message:
                `The migrations' session for ${set.directory} cannot be set up: ${e.message} (SQLSTATE ` +
                `${e.code}), in its settings (search-path, settings) or the runner's own table, which ` +
                `${set.format} creates before the first migration. No migration was run.`,
              help:
                'A search-path must name a schema that exists before the first migration: create it in a ' +
                'prerequisites file, or put an existing schema (public) after it; settings must be valid ' +
                'for the server.',
            };
          const what =
            s.version === PRELUDE
              ? `The prerequisites file ${s.name}`
              : `${s.direction} of ${migrationOf(set, s.version, s.name, s.file)}`;
          return {
            file: e.file,
            line: e.line,
            message:
              `${what} fails` +
              `${e.line === null ? '' : ` at line ${e.line}${e.located ? `, column ${e.column}` : ''}`}: ` +
              `${e.message} (SQLSTATE ${e.code}).${extra ? ' ' + extra : ''}${afterSkipped(set, s)} ` +
              'Later steps were skipped.',
            help:
              (SUPABASE_OBJECT.test(e.message) ? SUPABASE_HELP : undefined) ??
              (e.code === '42601' ? templateHelp(statementAt(set, e.file, e.line)) : undefined) ??
              (e.code === '42501' && provider === 'url' ? URL_PRIVILEGE_HELP : TIMEOUT_HELP[e.code]) ??
              `Fix the statement ${e.line !== null ? `at line ${e.line}` : `in ${shownFile(set.directory, e.file)}`} ` +
                `so that it runs on a database migrated up to the previous version.` +
                (e.code === '42601' ? newerSyntax(provider, serverVersion) : ''),
          };
        })
    );
  },
};
