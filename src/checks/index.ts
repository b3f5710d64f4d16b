import type { Check } from './check.ts';
import { downRevertsUp } from './down-reverts-up.ts';
import { sqlError } from './sql-error.ts';
import { transaction } from './transaction.ts';
import { upRepeatable } from './up-repeatable.ts';

/** Everything migrate-check checks. This list is the registry. */
export const checks: readonly Check[] = [sqlError, transaction, downRevertsUp, upRepeatable];
