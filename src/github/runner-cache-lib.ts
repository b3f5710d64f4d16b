// @actions/cache as one module: the Action loads it from dist/runner-cache.cjs only when a run keeps
// base states in the runner's cache (scripts/build.ts), so that the other runs neither parse nor
// keep its ~1.7 MB (the Azure storage SDK, protobuf).
export { isFeatureAvailable, restoreCache, saveCache } from '@actions/cache';
