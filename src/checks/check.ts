import type { MigrationSet } from '../migration.ts';
import type { ReplayResult } from '../replay.ts';
import type { TogetherResult } from '../together.ts';
import type { History } from '../history/status.ts';
import type { NamingConventions } from './naming.ts';
import type { Sizes } from './lock-hazards.ts';
import type { DatabaseKind } from '../database/index.ts';
import type { Format } from '../formats/format.ts';
import type { CheckId } from './check-ids.ts';

export { CHECK_IDS, type CheckId } from './check-ids.ts';

export type Severity = 'error' | 'warning' | 'notice';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];

/**
 * A finding says what happened, where, why it matters and what to do: `message` names the
 * object and the consequence, `help` is one imperative sentence, `file`/`line` locate it.
 */
export interface Finding {
  /** A check's id (a string: a Report is also read back from its JSON). */
  check: string;
  severity: Severity;
  file: string | null;
  line: number | null;
  message: string;
  help: string;
  /** With several Postgres majors: the majors it happens on (absent: on every one, or only one ran). */
  postgresVersions?: number[];
}

/** What a check sees of one directory. */
export interface CheckContext {
  set: MigrationSet;
  /** The format that read `set`: what its tool does (downs, transactions), for the checks that depend on it. */
  format: Format;
  /** Null when the directory could not be replayed. */
  replay: ReplayResult | null;
  /** Each migration compared with the base branch; absent without `--base`. */
  history?: History | null;
  /** Why the base branch could not be read, when `--base` was given. */
  historyUnavailable?: string;
  /** The pending migrations applied in one transaction, for runners that do so (drizzle). */
  together?: TogetherResult | null;
  /** Where the migrations ran: a server the tool started (embedded, container) or the user's (url). */
  provider?: DatabaseKind;
  /** The version of the server the migrations ran on (`SHOW server_version`, e.g. `17.10`). */
  serverVersion?: string;
  /** The team's naming conventions, when the config sets any. */
  conventions?: NamingConventions;
  /** For the checks that judge what the server did per statement (absent when not observed). */
  observed?: ObservedContext;
}

/** What the hazard checks need beside the observations themselves. */
export interface ObservedContext {
  readonly sizes: Sizes;
  /** `max-lock-ms`: a lock held (or projected to be held) longer makes blocking-lock an error. */
  readonly maxLockMs: number | null;
  /** How this directory's tool runs a migration outside a transaction (for the recipes). */
  readonly noTransaction: string;
}

/**
 * A check: a function from context to findings. It never prints, never throws for a finding
 * and never reads files or databases: everything it needs is in the context.
 *
 * To add a check:
 * 1. Create `checks/<id>.ts` exporting a `Check` whose `id` is the file name.
 * 2. Add it to the list in `checks/index.ts`, and its id to `checks/check-ids.ts`.
 *    A check that only reports what formats record while reading (`MigrationSet.problems`) is
 *    `problemCheck(id, severity, summary)`.
 * 3. Write `docs/checks/<id>.md` (what it catches, why it matters, how to fix, how to
 *    suppress) and a failing and a passing fixture; `checks/registry.test.ts` fails until
 *    all three exist.
 */
export interface Check {
  readonly id: CheckId;
  /** `off`: an opt-in check, run only when the config gives it a severity. */
  readonly defaultSeverity: Severity | 'off';
  /** One line for `--help` and the docs index. */
  readonly summary: string;
  run(context: CheckContext): CheckResult[];
}

/** A finding as a check reports it; `severity` overrides the default unless the user set one. */
export type CheckResult = Omit<Finding, 'check' | 'severity'> & { severity?: Severity };

/** The problems a format recorded for this check while reading the directory. */
export function formatProblems({ set }: CheckContext, id: CheckId): CheckResult[] {
  return (set.problems ?? [])
    .filter((p) => p.check === id)
    .map((p) => ({
      file: p.file,
      line: p.line,
      message: p.message,
      help: p.help,
      ...(p.severity ? { severity: p.severity } : {}),
    }));
}

/**
 * A check whose findings are the problems the format (or the checksum reader) recorded under
 * its id while reading the directory.
 */
export function problemCheck(id: CheckId, defaultSeverity: Severity, summary: string): Check {
  return { id, defaultSeverity, summary, run: (context) => formatProblems(context, id) };
}
