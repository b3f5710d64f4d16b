import { main } from './cli.ts';
import { cleanupAll } from './database/lifetime.ts';

// Ctrl-C and SIGTERM (a cancelled CI job): drop scratch databases and stop servers first.
let interrupted = false;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(code);
    interrupted = true;
    process.stderr.write(`\nmigrate-check: interrupted; cleaning up…\n`);
    void cleanupAll().finally(() => process.exit(code));
  });
}

main(process.argv.slice(2), process.env, process).then((code) => {
  process.exitCode = code;
});
