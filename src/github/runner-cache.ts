import type { StateCache } from '../database/database.ts';
import { errorMessage } from '../errors.ts';

/** The runner's cache key of a base-state entry (its folder name: the image and the keys, hashed). */
export const runnerCacheKey = (name: string) => `migrate-check-state-${name}`;

/** An error of the cache service, without the signatures of any URL it names (signed blob URLs). */
const said = (error: unknown) => errorMessage(error).replace(/(https?:\/\/[^\s?'"]+)\?[^\s'"]*/g, '$1?…');

/**
 * The runner's cache (GitHub's cache service, through @actions/cache) as a store of container
 * base states, or null when the job has none (no cache service in its environment).
 *
 * An entry is kept under a key of its own name and restored only by that key: the name is a hash of
 * the image's ID and the states' keys, and the entry is checked against it after the restore
 * (container-states.ts). The cache service keeps an entry in the scope of the branch that saved
 * it: a pull request's runs read their own and the base branch's. What fails is said and skipped.
 */
export async function runnerCache(say: (line: string) => void): Promise<StateCache | null> {
  // Loaded only here: in the bundle, from dist/runner-cache.cjs (scripts/build.ts), CommonJS, whose
  // exports an `import()` shows whole as `default`.
  let cache: typeof import('@actions/cache');
  try {
    const loaded = await import('@actions/cache');
    cache = ('default' in loaded && loaded.default ? loaded.default : loaded) as typeof import('@actions/cache');
    if (!cache.isFeatureAvailable()) return null;
  } catch (error) {
    say(`The runner's cache cannot be used (base-cache): ${said(error)}.`);
    return null;
  }
  return {
    async restore(path, name) {
      try {
        const hit = await cache.restoreCache([path], runnerCacheKey(name));
        if (hit) say(`Restored the base state ${name} from the runner's cache.`);
        return hit !== undefined;
      } catch (error) {
        say(`Could not read the runner's cache (base-cache): ${said(error)}.`);
        return false;
      }
    },
    async has(path, name) {
      try {
        // The path is part of the entry's version, as in `save` and `restore`.
        return (await cache.restoreCache([path], runnerCacheKey(name), [], { lookupOnly: true })) !== undefined;
      } catch (error) {
        say(`Could not read the runner's cache (base-cache): ${said(error)}.`);
        return false;
      }
    },
    async save(path, name) {
      try {
        const id = await cache.saveCache([path], runnerCacheKey(name));
        if (id !== -1) say(`Kept the base state ${name} in the runner's cache for the next runs.`);
      } catch (error) {
        say(`Could not keep the base state in the runner's cache (base-cache): ${said(error)}.`);
      }
    },
  };
}
