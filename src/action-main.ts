import * as core from '@actions/core';
import { runAction } from './action.ts';
import { exitWith, UNSETTLED } from './cli-errors.ts';
import { cleanupAll } from './database/lifetime.ts';
import { keepYoungGenerationSmall } from './memory.ts';

keepYoungGenerationSmall();

// A cancelled job sends SIGINT, then SIGTERM: drop scratch databases and remove the container first.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => void cleanupAll().finally(() => process.exit(code)));
}

// A run still awaiting something when nothing is left to wait for fails the job, not passes it.
exitWith(runAction(), () => core.error(UNSETTLED));
