// What @actions/cache sees as @actions/core in dist/runner-cache.cjs (scripts/build.ts): all of it,
// except that a failure of the cache service, which it reports as a warning or an error of the job
// (an annotation on the pull request; an error one when the service answers 5xx), is a line of the
// log. migrate-check says what failed in its own words (runner-cache.ts), and a cache that cannot be
// used changes no verdict: an error annotation beside a passing check would say otherwise.
import { info } from '@actions/core';

export * from '@actions/core';

const line = (message: string | Error) => info(`cache: ${message instanceof Error ? message.message : message}`);
export const warning = line;
export const error = line;
