// Runs before the project's own scripts (test, build, bench), on whatever Node `npm` found.
// They are TypeScript run natively by Node, which needs Node 24; an older Node fails with a raw
// ERR_UNKNOWN_FILE_EXTENSION stack, so say which Node to use instead. Plain JavaScript on
// purpose: it must run on any Node.
const NEEDED = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < NEEDED) {
  process.stderr.write(
    `Running migrate-check's ${process.argv[2] || 'scripts'} needs Node ${NEEDED} ` +
      `(this is Node ${process.versions.node}, ${process.execPath}).\n` +
      `Install Node ${NEEDED}, e.g. \`nvm install ${NEEDED}\` or \`fnm use ${NEEDED}\`, or from https://nodejs.org, ` +
      'then run the command again.\n',
  );
  process.exit(1);
}
