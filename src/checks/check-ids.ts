/**
 * The id of every check, in the order of the registry (`checks/index.ts`). Formats record
 * problems under these ids (`Problem.check`), so a misspelt id fails the type check; the
 * registry test fails when this list and the registry disagree.
 */
export const CHECK_IDS = [
  'naming',
  'duplicate-version',
  'version-order',
  'history-edited',
  'sum-file',
  'pairing',
  'parse-error',
  'partial-replay',
  'missing-extension',
  'sql-error',
  'outside-database',
  'transaction',
  'down-reverts-up',
  'up-repeatable',
  'verify',
  'creation-time',
  'column-order',
  'blocking-lock',
  'table-rewrite',
  'lock-timeout',
  'fails-on-data',
  'data-lost',
  'seed-file',
  'timestamp',
  'version-gap',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];
