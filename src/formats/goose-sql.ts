import type { Migration, Problem, Script } from '../migration.ts';
import { at } from './common.ts';
import type { DirectoryReader } from '../files/directory.ts';
import { parseGoose, type GooseParse } from './goose-parse.ts';

const HELP = 'Fix the goose annotations: see https://pressly.github.io/goose/documentation/annotations/';

/**
 * One goose SQL file as the goose command runs it. `goose up` parses the file for its up
 * direction when it reaches it: a file it refuses stops the deploy there, and the replay skips
 * it. `goose down` parses the down direction only: a file whose down part alone is refused
 * still applies, and only its rollback is reported.
 */
export function gooseSqlMigration(
  directory: DirectoryReader,
  file: string,
  id: { version: string; name: string },
  text: string,
  env: ReadonlyMap<string, string>,
): { migration: Migration; problems: Problem[] } {
  const path = at(directory, file);
  const up = parseGoose(text, 'up', env);
  const refused = (p: GooseParse, what: string): Problem => ({
    check: 'parse-error',
    file: path,
    line: p.error!.line,
    message: `goose would refuse ${what} ${file}: ${p.error!.message} (line ${p.error!.line}).`,
    help: HELP,
  });
  if (up.error) {
    const problem = refused(up, 'to run');
    const message = `${problem.message} \`goose up\` stops at this file; the replay skipped it.`;
    return { migration: { ...id, up: null, down: null }, problems: [{ ...problem, message }] };
  }
  const problems: Problem[] = [];
  const down = up.downMarked ? parseGoose(text, 'down', env) : null;
  if (down?.error) {
    const problem = refused(down, 'to roll back');
    problems.push({ ...problem, message: `${problem.message} \`goose up\` applies it; the replay ran its up only.` });
  }
  const unset = new Map([...(down?.unset ?? []), ...up.unset].sort((a, b) => a[1] - b[1]));
  for (const [name, line] of unset) {
    problems.push({
      check: 'partial-replay',
      file: path,
      line,
      message:
        `${file} uses \`$${name}\` under \`-- +goose ENVSUB ON\`, and \`placeholders\` sets no \`\${${name}}\`: ` +
        `the replay substituted an empty string, as goose does when ${name} is not in its environment.`,
      help: `Set the value the deploy uses: "placeholders": { "\${${name}}": "…" }.`,
    });
  }
  const script = (p: GooseParse): Script => ({
    file: path,
    units: p.statements,
    transaction: p.useTx ? 'wrapped' : 'none',
  });
  return { migration: { ...id, up: script(up), down: down && !down.error ? script(down) : null }, problems };
}
