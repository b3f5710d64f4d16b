import type { Finding, Severity } from '../checks/check.ts';
import { checks } from '../checks/index.ts';
import type { Server } from '../database/database.ts';
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
  return applySuppressions(found, suppressions);
}
