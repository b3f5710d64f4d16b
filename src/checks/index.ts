import type { Check } from './check.ts';
import { columnOrder } from './column-order.ts';
import { creationTime } from './creation-time.ts';
import { downRevertsUp } from './down-reverts-up.ts';
import { duplicateVersion } from './duplicate-version.ts';
import { historyEdited } from './history-edited.ts';
import { missingExtension } from './missing-extension.ts';
import { naming } from './naming.ts';
import { outsideDatabase } from './outside-database.ts';
import { pairing } from './pairing.ts';
import { parseError } from './parse-error.ts';
import { partialReplay } from './partial-replay.ts';
import { sqlError } from './sql-error.ts';
import { sumFile } from './sum-file.ts';
import { transaction } from './transaction.ts';
import { timestamp } from './timestamp.ts';
import { upRepeatable } from './up-repeatable.ts';
import { versionGap } from './version-gap.ts';
import { versionOrder } from './version-order.ts';
import { verify } from './verify.ts';
import { blockingLock } from './blocking-lock.ts';
import { tableRewrite } from './table-rewrite.ts';
import { lockTimeout } from './lock-timeout.ts';
import { failsOnData } from './fails-on-data.ts';
import { dataLost } from './data-lost.ts';
import { seedFile } from './seed-file.ts';

/** Everything migrate-check checks. This list is the registry. */
export const checks: readonly Check[] = [
  naming,
  duplicateVersion,
  versionOrder,
  historyEdited,
  sumFile,
  pairing,
  parseError,
  partialReplay,
  missingExtension,
  sqlError,
  outsideDatabase,
  transaction,
  downRevertsUp,
  upRepeatable,
  verify,
  creationTime,
  columnOrder,
  blockingLock,
  tableRewrite,
  lockTimeout,
  failsOnData,
  dataLost,
  seedFile,
  timestamp,
  versionGap,
];
