import { posix } from 'node:path';
import type { IgnoredFile, Migration, Problem, Script } from '../migration.ts';
import { splitStatements } from '../sql/split.ts';
import { at } from './common.ts';
import type { Format } from './format.ts';
import { PlanError, type PlannedChange, parsePlan } from './sqitch-plan.ts';

/** `[core]` settings of `sqitch.conf` that move the plan and the scripts. */
function coreSettings(conf: string | null): { topDir: string; planFile: string | null; extension: string } {
  const settings: Record<string, string> = {};
  let section = '';
  for (const line of (conf ?? '').split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) section = header[1]!.toLowerCase();
    const pair = /^\s*([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (pair && section === 'core') settings[pair[1]!.toLowerCase()] = pair[2]!.replace(/^"(.*)"$/, '$1');
  }
  const topDir = posix.normalize(settings.top_dir ?? '.');
  return { topDir, planFile: settings.plan_file ?? null, extension: settings.extension ?? 'sql' };
}

/** A change's script path: `{kind}/{name}.sql`, or for a reworked one `{kind}/{name}@{tag}.sql`. */
function scriptPath(top: string, kind: string, c: PlannedChange, ext: string, exists: (f: string) => boolean) {
  const join = (file: string) => posix.normalize(posix.join(top, kind, file));
  if (c.reworkTags.length === 0) return join(`${c.name}.${ext}`);
  const candidates = c.reworkTags.map((tag) => join(`${c.name}@${tag}.${ext}`));
  return candidates.find(exists) ?? candidates[0]!;
}

/**
 * sqitch (sqitch.org, the pg engine): `sqitch.plan` lists the changes in deploy order; each has
 * `deploy/{change}.sql`, `revert/{change}.sql` (the down) and `verify/{change}.sql`. Each script
 * is run by psql (`--file`, `ON_ERROR_STOP=1`): statement by statement, in the transaction the
 * script opens itself. Bookkeeping: the `sqitch` registry schema.
 */
export const sqitch: Format = {
  id: 'sqitch',
  looksLike: '`sqitch.plan` with `deploy/`, `revert/` and `verify/` scripts',
  hasDowns: true,
  missingDown: ({ file }) => ({
    message:
      `${file} has no revert script: \`sqitch revert\` stops there ("Revert script ` +
      `${file.replace(/^(.*\/)?deploy\//, '$1revert/')} does not exist") and the change stays deployed.`,
    help: `Write ${file.replace(/^(.*\/)?deploy\//, '$1revert/')} to undo the deploy.`,
  }),
  noTransactionHelp:
    'sqitch runs the script as psql does: leave the statement outside the BEGIN … COMMIT the script opens ' +
    '(or put it in a change of its own without BEGIN and COMMIT).',

  async detect(_directory, files) {
    return files.includes('sqitch.plan') || files.includes('sqitch.conf');
  },

  async load(directory) {
    const ignored: IgnoredFile[] = [];
    const problems: Problem[] = [];
    const files = await directory.list();
    const has = new Set(files);
    const core = coreSettings(has.has('sqitch.conf') ? await directory.read('sqitch.conf') : null);
    const planFile = posix.normalize(core.planFile ?? posix.join(core.topDir, 'sqitch.plan'));
    const migrations: Migration[] = [];
    const used = new Set<string>(['sqitch.conf', planFile]);
    let changes: PlannedChange[] = [];
    if (!has.has(planFile)) {
      problems.push({
        check: 'parse-error',
        file: at(directory, planFile),
        line: null,
        message: `${planFile} does not exist: sqitch has no plan to deploy.`,
        help: 'Point migrate-check at the sqitch project folder (the one holding sqitch.plan).',
      });
    } else {
      const text = await directory.read(planFile);
      try {
        changes = parsePlan(text, planFile).changes;
      } catch (error) {
        if (!(error instanceof PlanError)) throw error;
        problems.push({
          check: 'parse-error',
          file: at(directory, planFile),
          line: error.line,
          message:
            `sqitch refuses the plan: ${error.message}. ` + 'The replay went on in plan order as far as it could read.',
          help: 'Fix the plan (`sqitch plan` shows it; `sqitch rework` and `sqitch add` write it).',
        });
        // What can still be read, in plan order, for the rest of the report.
        changes = readableChanges(text);
      }
    }
    for (const c of changes) {
      const path = (kind: string) => scriptPath(core.topDir, kind, c, core.extension, (f) => has.has(f));
      const [deploy, revert, verify] = [path('deploy'), path('revert'), path('verify')];
      const script = async (file: string): Promise<Script> => ({
        file: at(directory, file),
        units: splitStatements(await directory.read(file)),
        transaction: 'none',
      });
      const version = c.reworkTags.length ? `${c.name}@${c.reworkTags[0]}` : c.name;
      if (!has.has(deploy)) {
        problems.push({
          check: 'parse-error',
          file: at(directory, planFile),
          line: c.line,
          message:
            `Change ${c.name} has no deploy script: \`sqitch deploy\` stops there ("Deploy script ${deploy} does ` +
            'not exist"); the replay skipped it.',
          help: `Write ${deploy}, or remove the change from the plan.`,
        });
        migrations.push({ version, name: '', up: null, down: null });
        continue;
      }
      for (const f of [deploy, revert, verify]) used.add(f);
      migrations.push({
        version,
        name: '',
        up: await script(deploy),
        down: has.has(revert) ? await script(revert) : null,
        ...(has.has(verify) ? { verify: await script(verify) } : {}),
      });
    }
    for (const file of files) {
      if (file === planFile) ignored.push({ file, reason: "sqitch's plan: it decides what runs, in which order" });
      if (file === 'sqitch.conf') ignored.push({ file, reason: "sqitch's configuration (top_dir, plan_file)" });
      if (used.has(file)) continue;
      const kind = /^(?:.*\/)?(deploy|revert|verify)\/.+\.sql$/.exec(file)?.[1];
      ignored.push({
        file,
        reason: kind ? `no change in ${planFile} has this ${kind} script` : 'sqitch reads only its plan and scripts',
      });
      if (kind) {
        problems.push({
          check: 'naming',
          severity: 'warning',
          file: at(directory, file),
          line: null,
          message: `${file} belongs to no change in ${planFile}: sqitch never runs it.`,
          help: 'Add the change to the plan (`sqitch add`), or delete the script.',
        });
      }
    }
    return {
      directory: directory.path,
      format: 'sqitch',
      migrations,
      ignored,
      problems,
      // lib/App/Sqitch/Engine/pg.sql, the registry's main tables in its default schema `sqitch`.
      bookkeeping:
        'CREATE SCHEMA IF NOT EXISTS sqitch; CREATE TABLE IF NOT EXISTS sqitch.projects (project TEXT PRIMARY KEY, ' +
        'uri TEXT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), creator_name TEXT NOT ' +
        'NULL, creator_email TEXT NOT NULL); CREATE TABLE IF NOT EXISTS sqitch.changes (change_id TEXT PRIMARY KEY, ' +
        'script_hash TEXT NULL, change TEXT NOT NULL, project TEXT NOT NULL REFERENCES sqitch.projects(project) ON ' +
        "UPDATE CASCADE, note TEXT NOT NULL DEFAULT '', committed_at TIMESTAMPTZ NOT NULL DEFAULT " +
        'clock_timestamp(), committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, planned_at TIMESTAMPTZ NOT ' +
        'NULL, planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, UNIQUE(project, script_hash))',
    };
  },
};

/** The change lines of a plan sqitch refuses, in order, for a replay that goes on. */
function readableChanges(text: string): PlannedChange[] {
  const out: PlannedChange[] = [];
  const lines = text.split(/\r?\n/);
  const body = lines.findIndex((l) => l.trim() === '');
  for (const [k, line] of lines.entries()) {
    if (k <= body || /^\s*(#|@|%|$)/.test(line)) continue;
    const name = /^\s*[+]?\s*([^\s[#@:]+)/.exec(line)?.[1];
    if (name) out.push({ name, line: k + 1, requires: [], tags: [], reworkTags: [] });
  }
  return out;
}
