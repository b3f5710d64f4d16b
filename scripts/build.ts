// Bundles the CLI (and, when present, the Action entry) into self-contained CommonJS files
// under dist/. CJS because ssh2 (pulled in by testcontainers) needs require/__dirname.
import { build, type Plugin } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  { in: 'src/cli-main.ts', out: 'dist/cli.cjs', banner: '#!/usr/bin/env node' },
  { in: 'src/action-main.ts', out: 'dist/index.cjs', banner: '' },
  { in: 'src/database/containers-lib.ts', out: 'dist/containers.cjs', banner: '' },
  { in: 'src/github/runner-cache-lib.ts', out: 'dist/runner-cache.cjs', banner: '' },
].filter((e) => existsSync(e.in));

// The CLI and the Action load testcontainers (and everything it pulls in: dockerode, ssh2, gRPC,
// ~5 MB) from dist/containers.cjs, beside them, only when a run starts a container: a run that
// does not parses 1 MB instead of 6 (~100 ms and ~15 MB less at every start).
const containersApart: Plugin = {
  name: 'containers-apart',
  setup(b) {
    b.onResolve({ filter: /^(testcontainers|@testcontainers\/postgresql)$/ }, () => ({
      path: './containers.cjs',
      external: true,
    }));
  },
};

// @actions/cache (~1.7 MB with the Azure storage SDK) likewise, from dist/runner-cache.cjs, only
// when a run keeps base states in the runner's cache.
const runnerCacheApart: Plugin = {
  name: 'runner-cache-apart',
  setup(b) {
    b.onResolve({ filter: /^@actions\/cache$/ }, () => ({ path: './runner-cache.cjs', external: true }));
  },
};
const LIBRARIES = ['dist/containers.cjs', 'dist/runner-cache.cjs'];

// In dist/runner-cache.cjs, @actions/cache's own @actions/core is src/github/runner-cache-core.ts:
// the cache service's failures are log lines there, not annotations of the job.
const cacheCore: Plugin = {
  name: 'runner-cache-core',
  setup(b) {
    b.onResolve({ filter: /^@actions\/core$/ }, (args) =>
      args.importer.includes('/node_modules/')
        ? { path: new URL('../src/github/runner-cache-core.ts', import.meta.url).pathname }
        : undefined,
    );
  },
};

for (const entry of entries) {
  await build({
    plugins:
      entry.out === 'dist/runner-cache.cjs'
        ? [cacheCore]
        : LIBRARIES.includes(entry.out)
          ? []
          : [containersApart, runnerCacheApart],
    entryPoints: [entry.in],
    outfile: entry.out,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // NOTE: native addons are optional in ssh2 and loaded inside try/catch; keeping them
    // external makes dist/ independent of whether install scripts ran.
    external: ['cpu-features', '*.node', 'pg-native'],
    // import.meta.url has no meaning in CommonJS: derive it from the bundle's own path.
    define: { 'import.meta.url': '__migrateCheckUrl' },
    banner: {
      js: `${entry.banner}\nconst __migrateCheckUrl = require('node:url').pathToFileURL(__filename).href;`.trimStart(),
    },
    legalComments: 'none',
    logLevel: 'warning',
  });
}
