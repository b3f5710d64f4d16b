import { runAction } from './action.ts';
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

runAction().then((code) => {
  process.exitCode = code;
});
