import type { Check, CheckResult } from './check.ts';
import { reachOf, type Reach } from '../outside/statements.ts';
import type { Step } from '../replay.ts';

const HELP_URL =
  'Keep changes to the cluster (databases, roles, server settings, server files ' +
  'and programs) out of migrations: make them where the database is provisioned, ' +
  'or in `prerequisites`; to replay such a migration, run on the ' +
  'embedded or container server, where it is reported instead of refused.';
const HELP_MACHINE =
  'Migrations that run programs or read files on the database server are refused where that server is this machine: ' +
  'check them with `--database container`, where they run inside ' +
  'a throwaway container, or move them out of the migration.';
const HELP =
  'Make sure the deploy is meant to do this: a migration that changes roles, databases ' +
  'or server settings, or reaches server files or programs, acts on the whole server, ' +
  'not only its own database. Move it to where the database is provisioned, or suppress the finding with the reason.';

const where = (r: Reach) => `line ${r.line}: ${r.what}`;

/**
 * What a migration does outside its own database: statements that reach other databases,
 * roles, server settings, files or programs (read from the SQL), and what the replay saw
 * change in the cluster after each step. On a server the user named such statements are
 * refused before they run (error); on a throwaway server they run and are reported (warning).
 */
export const outsideDatabase: Check = {
  id: 'outside-database',
  defaultSeverity: 'warning',
  summary:
    'A migration acts outside its own database: other databases, roles, server settings, server files or programs.',
  run({ set, replay, provider }) {
    const results: CheckResult[] = [];
    const steps = replay?.steps ?? [];
    const refused = steps.filter((s) => s.refused?.length);
    for (const step of refused) {
      const reach = step.refused!;
      const on = provider === 'url' ? 'the server you named' : 'the embedded server, which runs on this machine';
      const does =
        provider === 'url' ? 'outside the scratch database' : 'on this machine (a program, its files, other servers)';
      results.push({
        severity: 'error',
        file: step.file,
        line: reach[0]!.line,
        message:
          `${step.file} was not run on ${on}: ${reach.map(where).join('; ')} ` +
          `${reach.length === 1 ? 'acts' : 'act'} ${does}, which migrate-check refuses there. ` +
          'This migration and the ones after it were not checked.',
        help: provider === 'url' ? HELP_URL : HELP_MACHINE,
      });
    }
    // The SQL of every file, and what the replay saw, reported once per file.
    const seen = new Map<string, { reach: Reach[]; changes: Set<string> }>();
    const entry = (file: string) => seen.get(file) ?? seen.set(file, { reach: [], changes: new Set() }).get(file)!;
    const refusedFiles = new Set(refused.map((s) => s.file));
    for (const m of set.migrations) {
      for (const script of [m.up, m.down]) {
        if (!script || refusedFiles.has(script.file)) continue;
        const reach = reachOf(script);
        if (reach.length) entry(script.file).reach.push(...reach);
      }
    }
    for (const step of steps as Step[]) for (const change of step.outside ?? []) entry(step.file).changes.add(change);
    for (const [file, { reach, changes }] of seen) {
      const parts = [
        reach.length ? `${reach.map(where).join('; ')}` : '',
        changes.size ? `the replay saw it change the cluster: ${[...changes].join('; ')}` : '',
      ].filter(Boolean);
      results.push({
        severity: provider === 'url' ? 'error' : 'warning',
        file,
        line: reach[0]?.line ?? null,
        message: `${file} acts outside its own database (${parts.join('; ')}). A deploy does this to the whole server.`,
        help: provider === 'url' ? HELP_URL : HELP,
      });
    }
    return results;
  },
};
