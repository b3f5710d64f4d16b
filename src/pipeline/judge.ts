import type { Finding, Severity } from '../checks/check.ts';
import { checks } from '../checks/index.ts';
import type { Server } from '../database/database.ts';
import { migrationId, sameMigration, type MigrationSet } from '../migration.ts';
import { applySuppressions, type Suppressed } from '../suppress.ts';
import type { LoadedDirectory } from './load.ts';
import type { DirectoryReplay } from './replay-directories.ts';

/**
 * Runs every check the directory's settings leave on over what was read and replayed, at the
 * severity the settings give it, and sets aside the findings the files suppress.
 */
export function judge(
  loaded: LoadedDirectory,
  replayed: DirectoryReplay,
  server: Pick<Server, 'provider' | 'version'>,
  scope: 'changed' | 'all' = 'changed',
): { kept: Finding[]; suppressed: Suppressed[] } {
  const { provider } = server;
  const { set, format, settings, history, historyUnavailable, suppressions } = loaded;
  const found: Finding[] = [];
  for (const check of checks) {
    const setting = settings.checks[check.id] ?? (check.defaultSeverity === 'off' ? 'off' : undefined);
    if (setting === 'off') continue;
    const context = {
      set,
      format,
      replay: replayed.result,
      together: replayed.together,
      history,
      provider,
      serverVersion: server.version,
      ...(historyUnavailable ? { historyUnavailable } : {}),
      ...(settings.namingConventions ? { conventions: settings.namingConventions } : {}),
      observed: {
        sizes: loaded.tableSizes ? { production: loaded.tableSizes } : {},
        maxLockMs: settings.maxLockMs ?? null,
        noTransaction: format.noTransactionHelp,
      },
    };
    for (const { severity, ...f } of check.run(context)) {
      found.push({ check: check.id, severity: setting ?? severity ?? (check.defaultSeverity as Severity), ...f });
    }
  }
  const { kept, suppressed } = applySuppressions(found, suppressions);
  const onBase = scope === 'changed' ? alreadyOnBase(loaded, replayed) : null;
  if (!onBase) return { kept, suppressed };
  const reason = `on the base branch already (${loaded.history!.base.ref}): not changed by this pull request`;
  return {
    kept: kept.filter((f) => !onBase(f)),
    suppressed: [...suppressed, ...kept.filter(onBase).map((f) => ({ ...f, reason, onBase: true as const }))],
  };
}

/** Checks whose finding on a merged migration is this pull request's doing (its history), never set aside. */
const HISTORY_CHECKS = new Set(['history-edited', 'version-order', 'duplicate-version', 'sum-file']);

/**
 * With a base, the findings on merged migrations this pull request leaves as they are were there
 * before it (a merged file without a down, a Go migration), and it cannot fix them without editing
 * history: they are set aside, not counted. Only where it adds or edits one, each migration gets a
 * roundtrip of its own (per-migration), and every step of the ones it adds or edits ran: when one
 * did not, what stopped the replay is the reason, and it stands. Null when nothing is set aside.
 */
function alreadyOnBase(loaded: LoadedDirectory, replayed: DirectoryReplay): ((f: Finding) => boolean) | null {
  const { history, set, settings } = loaded;
  if (!history || settings.roundtrip !== 'per-migration') return null;
  const own = history.entries.filter((e) => e.status !== 'unchanged');
  // A pull request that changes no migration (its settings, its prerequisites) is judged on all of them.
  if (!own.length) return null;
  const isOwn = (m: { version: string; name: string }) => own.some((e) => sameMigration(e, m));
  const { steps, notChecked } = replayed.result;
  const ids = new Set(own.map(migrationId));
  if (notChecked.some((n) => n.versions.some((id) => ids.has(id)))) return null;
  if (steps.some((s) => s.status === 'skipped' && isOwn(s))) return null;
  // A file that holds a migration of the PR's (a Liquibase changelog holds many) is the PR's.
  const ownFiles = new Set(set.migrations.filter(isOwn).flatMap(filesOf));
  // Before the first migration the PR adds or edits, the replay is the base branch's own. After
  // it (a migration added out of order), what a merged one does when it runs may be the PR's doing:
  // only what its file says on its own is set aside there.
  const files = new Map<string, 'before' | 'after'>();
  let ownSeen = false;
  for (const m of set.migrations) {
    if (isOwn(m)) ownSeen = true;
    else for (const file of filesOf(m)) if (!ownFiles.has(file)) files.set(file, ownSeen ? 'after' : 'before');
  }
  // A merged migration the replay went past (it failed after a Go migration): the PR's migrations
  // were checked without what it does, which the report must go on saying.
  const wentPast = new Set(steps.filter((s) => s.error?.kind === 'after-skipped').map((s) => s.file));
  return (f) => {
    const where = f.file === null ? undefined : files.get(f.file);
    if (!where || HISTORY_CHECKS.has(f.check) || wentPast.has(f.file!)) return false;
    return where === 'before' || FILE_CHECKS.has(f.check);
  };
}

const filesOf = (m: MigrationSet['migrations'][number]) =>
  [m.up?.file, m.down?.file, m.verify?.file, m.code].filter((f): f is string => Boolean(f));

/** Checks whose findings come from a migration's files alone, not from what it did when it ran. */
const FILE_CHECKS = new Set(['pairing', 'naming', 'timestamp', 'version-gap', 'parse-error']);
