// The project's whole test command: type check, bundle (end-to-end tests run dist/), then
// every test file with Node's own runner.
import { spawnSync } from 'node:child_process';

const step = (cmd: string, args: string[]) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

step(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit']);
step(process.execPath, ['scripts/build.ts']);
const files = process.argv.slice(2);
step(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...(files.length ? files : ['src/**/*.test.ts', 'test/**/*.test.ts'])]);
