import { main, type Streams } from './cli.ts';
import { exitWith, UNSETTLED } from './cli-errors.ts';
import { cleanupAll } from './database/lifetime.ts';
import { keepYoungGenerationSmall } from './memory.ts';

keepYoungGenerationSmall();

// Ctrl-C and SIGTERM (a cancelled CI job): drop scratch databases and stop servers first.
let interrupted = false;
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(code);
    interrupted = true;
    process.stderr.write(`\nmigrate-check: interrupted; cleaning up…\n`);
    void cleanupAll().finally(() => process.exit(code));
  });
}

/**
 * A reader that goes away (`migrate-check db | head -1`, a closed CI log) must not stop the run
 * half-way: writes to a closed stream are dropped, and the run finishes, cleans up and exits
 * with the code it would have had.
 */
function tolerant(stream: NodeJS.WriteStream): Streams['stdout'] {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw error;
  });
  return {
    isTTY: stream.isTTY,
    // A terminal's width as it is now (it may be resized during the run).
    get columns() {
      return stream.columns;
    },
    write: (s: string) => !closed && stream.write(s),
  };
}

const streams = { stdout: tolerant(process.stdout), stderr: tolerant(process.stderr) };
// The engines of package.json: an older Node would fail half-way through a run, in its own words.
const NODE = Number(process.versions.node.split('.')[0]);
if (NODE < 22) {
  process.stderr.write(
    `migrate-check needs Node 22 or newer; this is Node ${process.versions.node} (${process.execPath}).\n` +
      'Install Node 24 (`nvm install 24`, `fnm use 24`, or https://nodejs.org) and run it again.\n',
  );
  process.exitCode = 2;
} else {
  exitWith(main(process.argv.slice(2), process.env, streams), () => process.stderr.write(UNSETTLED));
}
